@_exported import ParaCore
@_exported import ParaExtraction
@_exported import ParaAnalysis
