// swift-tools-version:6.1
import PackageDescription

// The import graph is the pipeline: each module imports only the stages before it.
//   ParaCore ◄─ ParaExtraction (◄─ CLibXML2, CSystemZlib) ◄─ ParaAnalysis ◄─ ParaIndex (◄─ CSystemZlib) ◄─ ParaSearch ◄─ parasearch
let package = Package(
    name: "ParaSearch",
    // (Synchronization.Mutex, for the Sendable writer.)
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ParaSearch", targets: ["ParaSearch"]),
        .executable(name: "parasearch", targets: ["parasearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // Front matter is YAML: lists (several symbols), block scalars, dates.
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .target(name: "ParaCore"),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The system zlib inflates DOCX entries — ZIPFoundation's reader loops forever on a
        // truncated deflate stream (found by the mutation fuzzer), so the archive reader is our
        // own and ZIPFoundation only writes test fixtures — and computes the index checksums.
        .systemLibrary(name: "CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "ParaExtraction", dependencies: ["ParaCore", "CLibXML2", "CSystemZlib", .product(name: "Yams", package: "Yams")]),
        .target(name: "ParaAnalysis", dependencies: ["ParaCore"]),
        .target(name: "ParaIndex", dependencies: ["ParaCore", "ParaAnalysis", "CSystemZlib"]),
        .target(name: "ParaSearch", dependencies: ["ParaCore", "ParaExtraction", "ParaAnalysis", "ParaIndex"]),
        .executableTarget(
            name: "parasearch",
            // (The tools of this package also reach the stages' `package` API directly.)
            dependencies: ["ParaSearch", "ParaExtraction", "ParaAnalysis", "ParaIndex",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(name: "parasearch-bench", dependencies: ["ParaSearch", "ParaExtraction", "ParaAnalysis", "ParaIndex"]),
        // Helpers shared by the test targets (seeded generator, temporary folders).
        .target(name: "ParaTestSupport", path: "Tests/ParaTestSupport"),
        .testTarget(name: "ParaAnalysisTests", dependencies: ["ParaAnalysis", "ParaTestSupport"]),
        .testTarget(name: "ParaExtractionTests", dependencies: ["ParaExtraction", "ZIPFoundation", "ParaTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ParaIndexTests", dependencies: ["ParaIndex", "ParaAnalysis", "ParaTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ParaSearchTests", dependencies: ["ParaSearch", "ParaExtraction", "ParaAnalysis", "ParaIndex", "ZIPFoundation", "ParaTestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["ParaSearch", "ParaExtraction"]),
    ]
)
