import Foundation
import Visage
import VisageImage

/// Decoding and the face pipeline, run on the ``InferencePool`` with the server's limits.
struct FaceAnalysis: Sendable {
    /// The one loaded pipeline every request shares.
    let pipeline: FacePipeline
    /// Where CPU-heavy work runs.
    let pool: InferencePool
    /// Decoder limits derived from the server configuration.
    let limits: DecodeLimits

    /// A decoded image with every face (box, landmarks, chip, embedding).
    struct Analysed: Sendable {
        var width: Int
        var height: Int
        var faces: [Face]
    }

    /// A decoded image with every face's box and landmarks only.
    struct Located: Sendable {
        var width: Int
        var height: Int
        var faces: [LocatedFace]
    }

    /// Decodes and locates faces (no embeddings).
    func locate(_ bytes: [UInt8]) async throws -> Located {
        let pipeline = pipeline, limits = limits
        return try await pool.run {
            let image = try Self.decode(bytes, limits: limits)
            return Located(width: image.width, height: image.height, faces: try pipeline.locate(in: image))
        }
    }

    /// Decodes, locates and embeds every face.
    func analyse(_ bytes: [UInt8]) async throws -> Analysed {
        let pipeline = pipeline, limits = limits
        return try await pool.run {
            let image = try Self.decode(bytes, limits: limits)
            return Analysed(width: image.width, height: image.height, faces: try pipeline.faces(in: image))
        }
    }

    /// Decodes bytes into an image, mapping decoder errors to API errors.
    static func decode(_ bytes: [UInt8], limits: DecodeLimits) throws -> Image {
        try RequestDecoding.image(bytes, limits: limits)
    }
}
