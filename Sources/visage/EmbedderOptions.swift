import ArgumentParser
import Foundation
import Visage
import VisageModels

/// How faces are found before embedding.
enum FaceFinding: String, CaseIterable, ExpressibleByArgument {
    /// No detector: embed a centred square crop of each image (the course encoders' default).
    case centreCrop = "centre-crop"
    /// dlib's MMOD detector, 5-point landmarks, aligned chip (dlib-resnet's default).
    case mmod
    /// MTCNN, aligned chip.
    case mtcnn
}

/// Options choosing the "image → embedding" step of `eval` and `calibrate`.
struct EmbedderOptions: ParsableArguments {
    @Option(name: .long, help: "Encoder: dlib-resnet (default), facenet-160 or openface-nn4.")
    var model: String = EncoderID.dlibResNet.rawValue

    @Option(name: .long, help: "Weights: the OpenFace CSV folder for openface-nn4 (facenet-160 defaults to the model cache).")
    var weights: String?

    @Option(name: .long, help: "Face finding: mmod or mtcnn (detector + landmarks + aligned chip; mmod is the default for dlib-resnet) or centre-crop (no detector; default for the course encoders).")
    var detector: FaceFinding?

    @Option(name: .long, help: "Centre crop side as a fraction of the image's shorter side (default: 0.5 for eval pairs on 250×250 LFW, 1 for calibrate). With a detector: the side of the centred fallback box for photos without a detected face.")
    var crop: Double?

    @Option(name: .long, help: ArgumentHelp(UpsampleChoice.help))
    var upsample: UpsampleChoice = .times(1)

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
        let fraction = crop ?? defaultCrop
        guard fraction > 0, fraction <= 1 else { throw ValidationError("--crop must be in (0, 1]") }
        let finding = detector ?? (id == .dlibResNet ? .mmod : .centreCrop)
        if id == .dlibResNet || finding != .centreCrop {
            guard finding != .centreCrop else { throw ValidationError("dlib-resnet needs aligned chips: use --detector mmod or mtcnn") }
            guard inputNorm == .course else { throw ValidationError("--input-norm applies to facenet-160 with --detector centre-crop") }
            var options = PipelineOptions(detector: finding == .mtcnn ? .mtcnn : .mmod, encoder: id)
            options.setUpsample(upsample)
            options.encoderWeights = weights.map { URL(fileURLWithPath: $0) }
            let pipeline = try FacePipeline(store: ModelStore(), options: options)
            return PipelineEmbedder(pipeline: pipeline, detectorName: finding == .mtcnn ? "mtcnn" : "mmod upsample \(upsample)",
                                    fallbackFraction: fraction, augmentation: tta)
        }
        var encoder = try EncoderLoader(store: ModelStore()).courseEncoder(
            id, weights: weights.map { URL(fileURLWithPath: $0) }, fillMissingForTests: fillMissingForTests)
        if inputNorm == .prewhiten {
            guard let facenet = encoder as? FaceNet160Encoder else { throw ValidationError("--input-norm prewhiten needs --model facenet-160") }
            encoder = PrewhitenedFaceNetEncoder(model: facenet.model)
        }
        return CentreCropEmbedder(encoder: encoder, cropFraction: fraction, augmentation: tta)
    }
}
