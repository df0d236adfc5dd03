// swift-tools-version:6.1
import PackageDescription

// The `visage` tool links the Swift runtime and Foundation statically (what `swift build
// --static-swift-stdlib` does, but at the link step only, so the libraries are compiled once for
// the tool and the tests). A process then starts without loading and binding a dozen shared Swift
// libraries: a cold `visage identify` answers about 25 ms sooner. Foundation's static archives
// depend on each other, hence the group. Library products do not carry these flags, so packages
// that depend on Visage's libraries are unaffected.
let staticSwiftRuntime: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-Xlinker", "--start-group"]
        + ["Foundation", "FoundationEssentials", "FoundationInternationalization", "CoreFoundation",
           "_FoundationICU", "_FoundationCShims", "_FoundationCollections",
           "swiftDispatch", "dispatch", "BlocksRuntime", "swiftSynchronization"].map { "-l" + $0 }
        + ["-Xlinker", "--end-group"], .when(platforms: [.linux])),
]

/// Visage: face recognition in Swift.
///
/// The targets read bottom-up: system shims, the tensor engine, images, foreign weight
/// formats, model architectures, the pipeline, and the command-line tool.
let package = Package(
    name: "Visage",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Visage", targets: ["Visage"]),
        .library(name: "VisageNN", targets: ["VisageNN"]),
        .library(name: "VisageImage", targets: ["VisageImage"]),
        .library(name: "VisageFormats", targets: ["VisageFormats"]),
        .library(name: "VisageModels", targets: ["VisageModels"]),
        .library(name: "VisageIndex", targets: ["VisageIndex"]),
        .library(name: "VisageStore", targets: ["VisageStore"]),
        .library(name: "VisageEval", targets: ["VisageEval"]),
        .library(name: "VisageTraining", targets: ["VisageTraining"]),
        .library(name: "VisageRecognition", targets: ["VisageRecognition"]),
        .library(name: "VisageCluster", targets: ["VisageCluster"]),
        .library(name: "VisagePostgres", targets: ["VisagePostgres"]),
        .library(name: "VisageServer", targets: ["VisageServer"]),
        .executable(name: "visage", targets: ["visage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // System-library shims, nothing else.
        .target(name: "CVisageBLAS", linkerSettings: [.linkedLibrary("dl")]),
        // Hand-written SIMD kernels (AVX2 per function, chosen at run time).
        .target(name: "CVisageKernels"),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CSpng", pkgConfig: "spng", providers: [.apt(["libspng-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),

        // Tensors, kernels and layers (NCHW, Float32, BLAS-backed).
        .target(name: "VisageNN", dependencies: ["CVisageBLAS", "CVisageKernels"]),
        // Decoding, EXIF orientation, resizing, warping.
        .target(name: "VisageImage", dependencies: ["CTurboJPEG", "CSpng"]),
        // Readers for foreign weight files: dlib .dat, Keras .h5, OpenFace CSV, PyTorch pickle.
        .target(name: "VisageFormats", dependencies: ["VisageNN", "VisageImage", "CHDF5"]),
        // One architecture per file and the registry of pretrained variants.
        .target(name: "VisageModels", dependencies: ["VisageNN", "VisageFormats", "VisageImage", "CVisageKernels"]),
        // The pipeline and the course's API (verify / who_is_it).
        .target(name: "Visage", dependencies: [
            "VisageModels", "VisageImage", "VisageNN",
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Exact and compact nearest-neighbour search over embeddings.
        .target(name: "VisageIndex", dependencies: ["VisageNN", "CVisageKernels"]),
        // Galleries: people, face samples and embeddings in SQLite (GRDB).
        .target(name: "VisageStore", dependencies: [
            "VisageIndex", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // Pair protocols, ROC, calibration, plots.
        .target(name: "VisageEval", dependencies: ["VisageImage"]),
        // Datasets, triplet mining, training loop, checkpoints.
        .target(name: "VisageTraining", dependencies: ["VisageNN", "VisageModels", "VisageFormats", "VisageImage"]),
        // Enrolment with quality gating, identification over an in-memory index, calibrated
        // verdicts: what the CLI and the server share on top of a gallery.
        .target(name: "VisageRecognition", dependencies: [
            "Visage", "VisageModels", "VisageFormats", "VisageNN", "VisageImage", "VisageStore", "VisageIndex", "VisageEval",
        ]),
        // Grouping unnamed faces: chinese whispers, DBSCAN, contact sheets.
        .target(name: "VisageCluster", dependencies: [
            "Visage", "VisageImage", "VisageStore", "VisageRecognition", "VisageNN", "VisageModels", "VisageFormats", "VisageEval",
        ]),
        // The PostgreSQL gallery (same schema and behaviour as the SQLite one).
        .target(name: "VisagePostgres", dependencies: [
            "VisageStore", .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The HTTP server and its web page.
        .target(name: "VisageServer", dependencies: [
            "Visage", "VisageModels", "VisageImage", "VisageStore", "VisageRecognition", "VisagePostgres", "VisageFormats",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The command-line tool.
        .executableTarget(name: "visage", dependencies: [
            "Visage", "VisageModels", "VisageFormats", "VisageNN", "VisageImage", "VisageIndex", "VisageStore",
            "VisageEval", "VisageTraining", "VisageRecognition", "VisageCluster", "VisageServer", "VisagePostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], linkerSettings: staticSwiftRuntime),

        // Locating ../shared/data and the model cache from tests.
        .target(name: "VisageTestSupport", dependencies: ["CSpng", "VisageStore"], path: "Sources/VisageTestSupport"),

        .testTarget(name: "VisageNNTests", dependencies: ["VisageNN", "VisageTestSupport"]),
        .testTarget(name: "VisageImageTests", dependencies: ["VisageImage", "VisageTestSupport"]),
        .testTarget(name: "VisageFormatsTests", dependencies: ["VisageFormats", "VisageNN", "VisageTestSupport"]),
        .testTarget(name: "VisageModelsTests", dependencies: ["VisageModels", "VisageFormats", "VisageImage", "VisageNN", "CVisageKernels", "VisageTestSupport"]),
        .testTarget(name: "VisageTests", dependencies: ["Visage", "VisageModels", "VisageImage", "VisageNN", "VisageFormats", "VisageTestSupport"]),
        .testTarget(name: "VisageCLITests", dependencies: ["Visage", "VisageImage", "VisageStore", "VisageTestSupport"]),
        .testTarget(name: "VisageStoreTests", dependencies: ["VisageStore", "VisageTestSupport"]),
        .testTarget(name: "VisageIndexTests", dependencies: ["VisageIndex", "CVisageKernels", "VisageTestSupport"]),
        .testTarget(name: "VisageEvalTests", dependencies: ["VisageEval", "Visage", "VisageModels", "VisageImage", "VisageTestSupport"]),
        .testTarget(name: "VisageTrainingTests", dependencies: ["VisageTraining", "VisageModels", "VisageFormats", "VisageNN", "VisageTestSupport"]),
        .testTarget(name: "VisageRecognitionTests", dependencies: [
            "VisageRecognition", "VisageStore", "Visage", "VisageModels", "VisageImage", "VisageEval", "VisageTestSupport",
        ]),
        .testTarget(name: "VisageClusterTests", dependencies: ["VisageCluster", "VisageStore", "Visage", "VisageImage", "VisageEval", "VisageTestSupport"]),
        .testTarget(name: "VisagePostgresTests", dependencies: [
            "VisagePostgres", "VisageStore", "VisageTestSupport",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "VisageServerTests", dependencies: [
            "VisageServer", "VisageStore", "VisageRecognition", "VisagePostgres", "Visage", "VisageImage", "VisageTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v5]
)
