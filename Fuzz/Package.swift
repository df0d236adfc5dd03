// swift-tools-version:6.1
import PackageDescription

/// Visage's fuzz targets: one libFuzzer executable per parser of untrusted bytes.
///
/// Build (the linker must be lld: gold cannot link libFuzzer with AddressSanitizer here):
///
///     swift build -c release --toolset toolset.json \
///         -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
///
/// `scripts/fuzz.sh` builds, writes the seed corpora and runs every target for a bounded time.
/// Each target also answers `fuzz-X seeds DIR` by writing its generated seeds into DIR.
let package = Package(
    name: "VisageFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Visage", path: "..")],
    targets: [
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        .executableTarget(name: "fuzz-image", dependencies: [
            "FuzzSupport", .product(name: "VisageImage", package: "Visage"),
        ], path: "Sources/fuzz-image"),
        .executableTarget(name: "fuzz-exif", dependencies: [
            "FuzzSupport", .product(name: "VisageImage", package: "Visage"),
        ], path: "Sources/fuzz-exif"),
        .executableTarget(name: "fuzz-dlib", dependencies: [
            "FuzzSupport", .product(name: "VisageFormats", package: "Visage"),
        ], path: "Sources/fuzz-dlib"),
        .executableTarget(name: "fuzz-keras", dependencies: [
            "FuzzSupport", .product(name: "VisageFormats", package: "Visage"),
        ], path: "Sources/fuzz-keras"),
        .executableTarget(name: "fuzz-pytorch", dependencies: [
            "FuzzSupport", .product(name: "VisageFormats", package: "Visage"),
        ], path: "Sources/fuzz-pytorch"),
        .executableTarget(name: "fuzz-openface", dependencies: [
            "FuzzSupport", .product(name: "VisageFormats", package: "Visage"),
        ], path: "Sources/fuzz-openface"),
        .executableTarget(name: "fuzz-pairs", dependencies: [
            "FuzzSupport", .product(name: "VisageEval", package: "Visage"),
        ], path: "Sources/fuzz-pairs"),
        .executableTarget(name: "fuzz-gallery-import", dependencies: [
            "FuzzSupport", .product(name: "VisageStore", package: "Visage"),
        ], path: "Sources/fuzz-gallery-import"),
        .executableTarget(name: "fuzz-server-request", dependencies: [
            "FuzzSupport", .product(name: "VisageServer", package: "Visage"),
            .product(name: "VisageImage", package: "Visage"),
        ], path: "Sources/fuzz-server-request"),
    ],
    swiftLanguageModes: [.v5]
)
