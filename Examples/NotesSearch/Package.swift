// swift-tools-version:6.1
import PackageDescription

// A tool that embeds ParaSearch: it depends on the repository's package by path, as a tool of
// one's own would depend on a release.
let package = Package(
    name: "NotesSearch",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ParaSearch", path: "../..")],
    targets: [
        .executableTarget(name: "notes-search", dependencies: [.product(name: "ParaSearch", package: "ParaSearch")]),
    ]
)
