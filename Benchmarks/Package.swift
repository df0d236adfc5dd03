// swift-tools-version:6.1
import PackageDescription

/// Visage's benchmarks: release-build executables that print measured figures (and the
/// reference measured in the same run where there is one). Never run as tests.
let package = Package(
    name: "VisageBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Visage", path: "..")],
    targets: [
        .executableTarget(name: "bench-engine", dependencies: [
            .product(name: "Visage", package: "Visage"), .product(name: "VisageNN", package: "Visage"),
            .product(name: "VisageImage", package: "Visage"),
        ], path: "Sources/Engine"),
        .executableTarget(name: "bench-dlib", dependencies: [
            .product(name: "Visage", package: "Visage"), .product(name: "VisageImage", package: "Visage"),
        ], path: "Sources/Dlib"),
        .executableTarget(name: "bench-mtcnn", dependencies: [
            .product(name: "Visage", package: "Visage"), .product(name: "VisageImage", package: "Visage"),
            .product(name: "VisageEval", package: "Visage"), .product(name: "VisageModels", package: "Visage"),
        ], path: "Sources/MTCNN"),
        .executableTarget(name: "bench-training", dependencies: [
            .product(name: "VisageNN", package: "Visage"), .product(name: "VisageModels", package: "Visage"),
            .product(name: "VisageTraining", package: "Visage"), .product(name: "VisageFormats", package: "Visage"),
        ], path: "Sources/Training"),
    ],
    swiftLanguageModes: [.v5]
)
