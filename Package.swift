// swift-tools-version: 6.0
// Argus builds and runs on Linux (Debian); the system libraries below are Debian's -dev packages.
import PackageDescription

let package = Package(
    name: "Argus",
    products: [
        .executable(name: "argus", targets: ["argus"]),
        .library(name: "ArgusCore", targets: ["ArgusCore"]),
        .library(name: "ArgusMasks", targets: ["ArgusMasks"]),
        .library(name: "ArgusIO", targets: ["ArgusIO"]),
        .library(name: "ArgusData", targets: ["ArgusData"]),
        .library(name: "ArgusMetrics", targets: ["ArgusMetrics"]),
        .library(name: "ArgusResults", targets: ["ArgusResults"]),
        .library(name: "ArgusCharts", targets: ["ArgusCharts"]),
        .library(name: "ArgusReports", targets: ["ArgusReports"]),
        .library(name: "ArgusRegistry", targets: ["ArgusRegistry"]),
        .library(name: "ArgusGate", targets: ["ArgusGate"]),
        .library(name: "ArgusCompute", targets: ["ArgusCompute"]),
        .library(name: "ArgusJobs", targets: ["ArgusJobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (Debian -dev packages, found through pkg-config).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // simdjson (Debian's libsimdjson-dev) behind a small C interface.
        .target(
            name: "CSimdJSON",
            linkerSettings: [.linkedLibrary("simdjson"), .linkedLibrary("stdc++")]
        ),

        // JPEG (libjpeg-turbo) and PNG (libpng) decoding with their errors returned, not fatal.
        .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),

        // Values and rules, no I/O.
        .target(name: "ArgusCore"),
        .target(name: "ArgusMasks", dependencies: ["ArgusCore"]),
        .target(name: "ArgusMetrics", dependencies: ["ArgusCore", "ArgusMasks"]),
        // JSON reading and writing, files written whole or not at all, paths.
        .target(name: "ArgusIO", dependencies: ["ArgusCore", "CSimdJSON"]),
        // The dataset formats.
        .target(
            name: "ArgusData",
            dependencies: ["ArgusCore", "ArgusIO", "ArgusMasks", .product(name: "Yams", package: "Yams")]
        ),
        // The evaluation output files: metrics.json, curves.json, matches.jsonl, images.jsonl, shard states.
        .target(name: "ArgusResults", dependencies: ["ArgusCore", "ArgusIO", "ArgusMetrics"]),
        // What Argus remembers (SQLite), and the deployment gate that judges on it.
        .target(
            name: "ArgusRegistry",
            dependencies: [
                "ArgusCore", "ArgusIO", "ArgusMetrics", "ArgusResults", "CLibPQ", "CSQLite3",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ArgusGate",
            dependencies: [
                "ArgusCore", "ArgusIO", "ArgusMetrics", "ArgusResults", .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The compute plane's Swift side: starts the PyTorch runner (runner/) and reads its JSON-line events.
        .target(name: "ArgusCompute"),
        // The job driver: AutoML job files, samplers, early termination, trials as runner processes.
        .target(
            name: "ArgusJobs", dependencies: ["ArgusCore", "ArgusCompute", .product(name: "Yams", package: "Yams")]),
        .target(name: "ArgusCharts", dependencies: ["ArgusCore", "CCairo", "CImageCodecs"]),
        .target(
            name: "ArgusReports",
            dependencies: ["ArgusCharts", "ArgusCore", "ArgusIO", "ArgusMasks", "ArgusMetrics", "ArgusResults"]
        ),
        .target(
            name: "ArgusPipeline",
            dependencies: ["ArgusCore", "ArgusData", "ArgusIO", "ArgusMasks", "ArgusMetrics", "ArgusResults"]
        ),
        .executableTarget(
            name: "argus",
            dependencies: [
                "ArgusCompute", "ArgusJobs", "ArgusCore", "ArgusData", "ArgusGate", "ArgusIO", "ArgusMetrics",
                "ArgusPipeline",
                "ArgusRegistry",
                "ArgusReports", "ArgusResults", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // Benchmarks (run on demand by Benchmarks/run_benchmarks.py; not part of the tests).
        .executableTarget(
            name: "argus-bench",
            dependencies: ["ArgusData", "ArgusIO", "ArgusMetrics", "ArgusPipeline"],
            path: "Benchmarks/Sources/argus-bench"
        ),

        // What the tests share: the repository root, scratch folders, golden files, the CLI.
        .target(name: "ArgusTestSupport", path: "Tests/ArgusTestSupport"),
        .target(
            name: "ArgusPipelineTestSupport", dependencies: ["ArgusPipeline", "ArgusData", "ArgusTestSupport"],
            path: "Tests/ArgusPipelineTestSupport"),
        .testTarget(name: "ArgusCoreTests", dependencies: ["ArgusCore", "ArgusTestSupport"]),
        .testTarget(name: "ArgusMasksTests", dependencies: ["ArgusMasks", "ArgusTestSupport"]),
        .testTarget(name: "ArgusDataTests", dependencies: ["ArgusData", "ArgusIO", "ArgusTestSupport"]),
        .testTarget(
            name: "ArgusMetricsTests", dependencies: ["ArgusMetrics", "ArgusData", "ArgusIO", "ArgusTestSupport"]),
        .testTarget(
            name: "ArgusResultsTests",
            dependencies: ["ArgusResults", "ArgusIO", "ArgusPipeline", "ArgusData", "ArgusTestSupport"]
        ),
        .testTarget(
            name: "ArgusPipelineTests",
            dependencies: [
                "ArgusPipeline", "ArgusData", "ArgusIO", "ArgusResults", "ArgusTestSupport", "ArgusPipelineTestSupport",
            ]
        ),
        .testTarget(
            name: "ArgusRegistryTests",
            dependencies: [
                "ArgusCore", "ArgusData", "ArgusRegistry", "ArgusGate", "ArgusPipeline", "ArgusResults", "ArgusIO",
                "ArgusTestSupport", "ArgusPipelineTestSupport",
            ]
        ),
        .testTarget(name: "ArgusComputeTests", dependencies: ["ArgusCompute", "ArgusTestSupport"]),
        .testTarget(
            name: "ArgusJobsTests",
            dependencies: ["ArgusJobs", "ArgusCompute", "ArgusTestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "ArgusChartsTests", dependencies: ["ArgusCharts", "ArgusTestSupport"]),
        .testTarget(
            name: "ArgusReportsTests",
            dependencies: [
                "ArgusReports", "ArgusCharts", "ArgusIO", "ArgusMetrics", "ArgusPipeline", "ArgusResults",
                "ArgusTestSupport", "ArgusPipelineTestSupport",
            ]
        ),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["CCairo", "CPNG", "CJPEG"]),
        .testTarget(name: "ArgusCLITests", dependencies: ["argus", "ArgusTestSupport"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
