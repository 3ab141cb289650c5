import ParaCore
