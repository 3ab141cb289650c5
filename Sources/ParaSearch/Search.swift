@_exported import ParaCore
@_exported import ParaExtraction
@_exported import ParaAnalysis
@_exported import ParaIndex
