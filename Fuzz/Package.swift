// swift-tools-version: 6.0
// The fuzzing harness: libFuzzer over Argus's readers. Not part of the default build or the tests;
// see Fuzz/README.md.
import PackageDescription

let package = Package(
    name: "ArgusFuzz",
    dependencies: [.package(name: "Argus", path: "..")],
    targets: [
        .executableTarget(
            name: "argus-fuzz",
            dependencies: [
                .product(name: "ArgusData", package: "Argus"),
                .product(name: "ArgusIO", package: "Argus"),
                .product(name: "ArgusMasks", package: "Argus"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
