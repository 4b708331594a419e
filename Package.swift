// swift-tools-version: 6.2
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "ledger",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ledger", targets: ["ledger"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            path: "Sources/CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(
            name: "LedgerStore",
            dependencies: [
                "CLZ4",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LedgerAnalysis",
            dependencies: [],
            swiftSettings: strict
        ),
        .target(
            name: "LedgerEngine",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess")
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LedgerBuilder",
            dependencies: ["LedgerStore", "LedgerAnalysis", "LedgerEngine"],
            swiftSettings: strict
        ),
        .target(
            name: "LedgerTester",
            dependencies: [
                "LedgerStore", "LedgerAnalysis", "LedgerEngine",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LedgerQueries",
            dependencies: [
                "LedgerStore", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "LedgerCLI",
            dependencies: [
                "LedgerStore", "LedgerAnalysis", "LedgerEngine", "LedgerBuilder", "LedgerTester", "LedgerQueries",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ledger",
            dependencies: ["LedgerCLI"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ledger-dev",
            dependencies: ["LedgerStore"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench-analyze",
            dependencies: ["LedgerAnalysis"],
            path: "Tools/BenchAnalyze",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "synth-journal",
            dependencies: ["LedgerStore", "LedgerQueries"],
            path: "Sources/SynthJournal",
            swiftSettings: strict
        ),
        .target(name: "LedgerTestSupport", path: "Tests/Support", swiftSettings: strict),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: ["LedgerStore", "LedgerTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "LedgerAnalysisTests", dependencies: ["LedgerAnalysis", "LedgerTestSupport"], swiftSettings: strict),
        .testTarget(name: "LedgerEngineTests", dependencies: ["LedgerEngine"], swiftSettings: strict),
        .testTarget(
            name: "LedgerBuilderTests", dependencies: ["LedgerBuilder", "LedgerStore", "LedgerEngine"],
            swiftSettings: strict),
        .testTarget(
            name: "LedgerTesterTests", dependencies: ["LedgerTester", "LedgerStore", "LedgerTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "LedgerQueriesTests", dependencies: ["LedgerQueries", "LedgerStore", "LedgerTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "LedgerCLITests",
            dependencies: [
                "LedgerCLI", "LedgerStore", "LedgerTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict),
    ]
)
