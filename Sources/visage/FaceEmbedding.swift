import ArgumentParser
import Foundation
import Visage
import VisageImage

/// One image's embedding for evaluation, and whether a face was found in it.
struct EmbeddedImage {
    /// The embedding (unit length for the shipped encoders).
    var vector: [Float]
    /// `false` when no face was found and a fallback crop was embedded instead.
    var faceFound: Bool
}

/// The "image → embedding" step of `eval` and `calibrate`. Everything model- or
/// detector-specific lives behind this protocol, so the evaluation code never changes when the
/// pipeline does.
protocol FaceEmbedder {
    /// A label stored with results, e.g. `"facenet-160 centre-crop 0.50"`.
    var label: String { get }
    /// Embeds whole photos, in order.
    func embed(_ photos: [Image]) throws -> [EmbeddedImage]
}

/// Test-time augmentation.
enum TestTimeAugmentation: String, CaseIterable, ExpressibleByArgument {
    /// The image only.
    case none
    /// The image and its mirror image; the two unit embeddings are averaged and renormalised.
    case flip
}

/// Embeds a centred square crop of each photo: the no-detector fallback, and the standard
/// crop for LFW's 250×250 images whose faces are centred.
struct CentreCropEmbedder: FaceEmbedder {
    /// The encoder.
    let encoder: FaceEncoder
    /// Side of the square crop as a fraction of the photo's shorter side, in (0, 1].
    let cropFraction: Double
    /// Test-time augmentation.
    let augmentation: TestTimeAugmentation

    var label: String {
        "\(encoder.descriptor.id.rawValue)\(encoder is PrewhitenedFaceNetEncoder ? " prewhiten" : "") centre-crop \(String(format: "%.2f", cropFraction))"
            + (augmentation == .flip ? " tta-flip" : "")
    }

    func embed(_ photos: [Image]) throws -> [EmbeddedImage] {
        let size = encoder.descriptor.inputSize
        let crops = try photos.map { try Self.centreCrop($0, fraction: cropFraction, size: size) }
        var vectors = try encoder.encode(crops)
        if augmentation == .flip {
            let mirrored = try encoder.encode(crops.map { $0.flippedHorizontally() })
            vectors = zip(vectors, mirrored).map { a, b in l2Normalised(zip(a, b).map { ($0 + $1) / 2 }) }
        }
        return vectors.map { EmbeddedImage(vector: $0, faceFound: false) }
    }

    /// The centred square of side `fraction × min(width, height)`, resized (bilinear, with
    /// antialiasing when shrinking) to `size`×`size`.
    static func centreCrop(_ photo: Image, fraction: Double, size: Int) throws -> Image {
        let side = max(1, Int((Double(min(photo.width, photo.height)) * fraction).rounded()))
        let crop = photo.cropped(x: (photo.width - side) / 2, y: (photo.height - side) / 2, width: side, height: side)
        return try crop.resized(width: size, height: size, filter: .bilinear)
    }
}

/// Embeds each distinct file once, in batches, reporting progress.
struct EmbeddingCache {
    /// The embedder.
    let embedder: FaceEmbedder
    /// Files per batch.
    var batchSize = 32

    /// Embeds the files; the result is keyed by path.
    /// - Parameters:
    ///   - paths: image files (duplicates are embedded once).
    ///   - progress: told after each batch.
    func embed(_ paths: [String], progress: ProgressBar?) throws -> [String: EmbeddedImage] {
        var unique: [String] = []
        var seen = Set<String>()
        for path in paths where seen.insert(path).inserted { unique.append(path) }
        var result: [String: EmbeddedImage] = [:]
        var start = 0
        while start < unique.count {
            let batch = Array(unique[start..<min(start + batchSize, unique.count)])
            let embedded = try embedder.embed(try batch.map(loadImage))
            for (path, e) in zip(batch, embedded) { result[path] = e }
            start += batch.count
            progress?.update(start)
        }
        progress?.finish()
        return result
    }
}
