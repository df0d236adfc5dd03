import Foundation
import Visage
import VisageImage

/// Embeds the largest detected face of each photo with the full pipeline (detect, align,
/// encode): what the gallery commands do, so a calibration made with it applies to them.
/// Photos without a face fall back to a centred crop (counted as `faceFound == false`).
struct PipelineEmbedder: FaceEmbedder {
    /// The pipeline.
    let pipeline: FacePipeline
    /// The detector's name, for the label.
    let detectorName: String
    /// Centre-crop fraction for photos without a face.
    var fallbackFraction = 0.5

    var label: String { "\(pipeline.encoder.descriptor.id.rawValue) \(detectorName)" }

    func embed(_ photos: [Image]) throws -> [EmbeddedImage] {
        try photos.map { photo in
            if let face = try pipeline.faces(in: photo).first { return EmbeddedImage(vector: face.embedding, faceFound: true) }
            let crop = try CentreCropEmbedder.centreCrop(photo, fraction: fallbackFraction, size: pipeline.encoder.descriptor.inputSize)
            return EmbeddedImage(vector: try pipeline.encoder.encode(crop), faceFound: false)
        }
    }
}
