import ArgumentParser
import Foundation
import Visage
import VisageImage
import VisageModels

extension DetectorKind: ExpressibleByArgument {}
extension LandmarkModel: ExpressibleByArgument {}
extension EncoderID: ExpressibleByArgument {}
extension LandmarkSource: ExpressibleByArgument {}

/// Options shared by `detect`, `embed` and `compare`.
struct FaceOptions: ParsableArguments {
    @Option(name: .long, help: "Face detector: \(DetectorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var detector: DetectorKind = .mmod

    @Option(name: .long, help: """
        Alignment landmarks: shape-predictor (dlib's, inside the box) or detector (MTCNN's five points). \
        Default: detector for mtcnn with 5 landmarks, shape-predictor otherwise.
        """)
    var landmarkSource: LandmarkSource?

    @Option(name: .long, help: ArgumentHelp(UpsampleChoice.help))
    var upsample: UpsampleChoice = .times(1)

    @Option(name: .long, help: "Landmark model: 5 (face_recognition's default for encodings) or 68.")
    var landmarks: LandmarkModel = .five

    @Flag(name: .long, help: "Print one JSON object per line instead of text.")
    var json = false

    /// The detector and shape predictor from the model cache.
    func locator() throws -> FaceLocator {
        try FaceLocator(store: ModelStore(), detector: detector, upsample: upsample.first, fallbackUpsample: upsample.fallback,
                        landmarks: landmarks, landmarkSource: landmarkSource)
    }
}

/// Options of the commands that compute embeddings (`embed`, `compare`).
struct EncoderOptions: ParsableArguments {
    @Option(name: .long, help: """
        Encoder: dlib-resnet (default; 150×150 aligned chips), facenet-160 or openface-nn4 (the course's \
        models, given the detector's box grown by 10 % on each side).
        """)
    var model: EncoderID = .dlibResNet

    @Option(name: .long, help: "Weights for openface-nn4 (the OpenFace CSV folder) or another facenet-160 h5 file.")
    var weights: String?

    @Option(name: .long, help: "dlib-resnet: average this many jittered copies of each chip (0 or 1: none; dlib's num_jitters).")
    var jitter: Int = 0

    func validate() throws {
        guard (0...100).contains(jitter) else { throw ValidationError("--jitter must be 0…100") }
    }

    /// The pipeline over a locator.
    func pipeline(_ locator: FaceLocator) throws -> FacePipeline {
        let encoder = try EncoderLoader(store: ModelStore()).encoder(model, weights: weights.map { URL(fileURLWithPath: $0) },
                                                                     jitters: jitter)
        return FacePipeline(locator: locator, encoder: encoder)
    }
}
