// What `import ParaSearch` gives an embedder besides this module's own API: the document
// model (ParaCore), the snapshot a search reads, and what a query translates to. The storage,
// analysis and extraction internals are `package`: the command-line tools of this package use
// them, no one else.
@_exported import ParaCore
@_exported import class ParaIndex.IndexSnapshot
@_exported import struct ParaAnalysis.Translation
