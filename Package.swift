// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Argus",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "argus", targets: ["argus"]),
        .library(name: "ArgusCore", targets: ["ArgusCore"]),
        .library(name: "ArgusMasks", targets: ["ArgusMasks"]),
        .library(name: "ArgusData", targets: ["ArgusData"]),
        .library(name: "ArgusMetrics", targets: ["ArgusMetrics"]),
        .library(name: "ArgusCharts", targets: ["ArgusCharts"]),
        .library(name: "ArgusReports", targets: ["ArgusReports"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries (Debian -dev packages, found through pkg-config).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CSQLite3", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // simdjson (Debian's libsimdjson-dev) behind a small C interface.
        .target(
            name: "CSimdJSON",
            cxxSettings: [.unsafeFlags(["-O3"])],
            linkerSettings: [.linkedLibrary("simdjson"), .linkedLibrary("stdc++")]
        ),

        // JPEG (libjpeg-turbo) and PNG (libpng) decoding with their errors returned, not fatal.
        .target(name: "CImageCodecs", linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),

        .target(name: "ArgusCore"),
        .target(name: "ArgusMasks", dependencies: ["ArgusCore"]),
        .target(name: "ArgusMetrics", dependencies: ["ArgusCore", "ArgusMasks"]),
        .target(
            name: "ArgusData",
            dependencies: ["ArgusCore", "ArgusMasks", "CSimdJSON", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "ArgusCharts", dependencies: ["CCairo", "CImageCodecs"]),
        .target(name: "ArgusReports", dependencies: ["ArgusCharts", "ArgusCore", "ArgusData", "ArgusMasks"]),
        .target(name: "ArgusPipeline", dependencies: ["ArgusCore", "ArgusData", "ArgusMasks", "ArgusMetrics"]),
        .executableTarget(
            name: "argus",
            dependencies: ["ArgusCore", "ArgusData", "ArgusMetrics", "ArgusPipeline", "ArgusReports", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Benchmarks (run on demand by Benchmarks/run_benchmarks.py; not part of the tests).
        .executableTarget(name: "argus-bench", dependencies: ["ArgusData", "ArgusMetrics", "ArgusPipeline"], path: "Benchmarks/Sources/argus-bench"),

        .testTarget(name: "ArgusCoreTests", dependencies: ["ArgusCore"]),
        .testTarget(name: "ArgusMasksTests", dependencies: ["ArgusMasks"]),
        .testTarget(name: "ArgusDataTests", dependencies: ["ArgusData"]),
        .testTarget(name: "ArgusMetricsTests", dependencies: ["ArgusMetrics", "ArgusData"]),
        .testTarget(name: "ArgusPipelineTests", dependencies: ["ArgusPipeline"]),
        .testTarget(name: "ArgusChartsTests", dependencies: ["ArgusCharts"]),
        .testTarget(name: "ArgusReportsTests", dependencies: ["ArgusReports", "ArgusCharts", "ArgusData", "ArgusPipeline"]),
        .testTarget(name: "SystemLibrariesTests", dependencies: ["CCairo", "CPNG", "CJPEG", "CSQLite3"]),
        .testTarget(name: "ArgusCLITests", dependencies: ["argus"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
