import ArgumentParser
import Foundation
import Visage
import VisageModels

/// How faces are found before embedding.
enum FaceFinding: String, CaseIterable, ExpressibleByArgument {
    /// No detector: embed a centred square crop of each image.
    case centreCrop = "centre-crop"
}

/// Options choosing the "image → embedding" step of `eval` and `calibrate`.
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: "Encoder: facenet-160, openface-nn4 or dlib-resnet (dlib-resnet always detects and aligns faces with MMOD).")
    var model: String = EncoderID.faceNet160.rawValue

    @Option(name: .long, help: "Weights: the OpenFace CSV folder for openface-nn4 (facenet-160 defaults to the model cache).")
    var weights: String?

    @Option(name: .long, help: "Face finding: centre-crop (no detector).")
    var detector: FaceFinding = .centreCrop

    @Option(name: .long, help: "Centre crop side as a fraction of the image's shorter side (default: 0.5 for eval pairs on 250×250 LFW, 1 for calibrate).")
    var crop: Double?

    @Option(name: .long, help: "Test-time augmentation: none or flip (average of the image and its mirror image).")
    var tta: TestTimeAugmentation = .none

    @Option(name: .customLong("input-norm"), help: "facenet-160 pixel normalisation: course (pixel/255) or prewhiten (per-image standardisation).")
    var inputNorm: InputNormalisation = .course

    @Flag(name: .long, help: "No progress bar.")
    var quiet = false

    @Flag(name: .long, help: .hidden)
    var fillMissingForTests = false

    /// Builds the embedder.
    func embedder(defaultCrop: Double) throws -> FaceEmbedder {
        guard let id = EncoderID(rawValue: model) else {
            throw ValidationError("--model must be one of \(EncoderID.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if id == .dlibResNet {
            // dlib's ResNet needs aligned chips: detect (MMOD), align, encode.
            return PipelineEmbedder(pipeline: try FacePipeline(store: ModelStore(), options: PipelineOptions(encoder: id)),
                                    detectorName: DetectorKind.mmod.rawValue)
        }
        let fraction = crop ?? defaultCrop
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--crop must be in (0, 1]") }
        var encoder = try EncoderLoader(store: ModelStore()).courseEncoder(
            id, weights: weights.map { URL(fileURLWithPath: $0) }, fillMissingForTests: fillMissingForTests)
        if inputNorm == .prewhiten {
            guard let facenet = encoder as? FaceNet160Encoder else { throw ValidationError("--input-norm prewhiten needs --model facenet-160") }
            encoder = PrewhitenedFaceNetEncoder(model: facenet.model)
        }
        switch detector {
        case .centreCrop:
            return CentreCropEmbedder(encoder: encoder, cropFraction: fraction, augmentation: tta)
        }
    }
}
