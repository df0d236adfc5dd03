import Foundation
import VisageStore

/// One image's faces as remembered by ``FaceCache``: what the pipeline found, so a second run
/// needs neither to decode nor to embed the image.
public struct CachedImage: Codable, Sendable, Equatable {
    /// SHA-256 of the image file's bytes, 64 lowercase hex digits.
    public var sha256: String
    /// The pipeline that produced the faces (see ``FaceHarvester/signature(of:)``).
    public var pipeline: String
    /// Image width in pixels (after EXIF orientation).
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// The faces, largest first.
    public var faces: [CachedFace]

    /// Creates an entry.
    public init(sha256: String, pipeline: String, width: Int, height: Int, faces: [CachedFace]) {
        self.sha256 = sha256
        self.pipeline = pipeline
        self.width = width
        self.height = height
        self.faces = faces
    }
}

/// One face of a ``CachedImage``.
public struct CachedFace: Codable, Sendable, Equatable {
    /// The detector's box in image pixels.
    public var box: FaceBox
    /// The detector's confidence.
    public var score: Float
    /// The embedding (stored as base64 little-endian Float32, which round-trips exactly).
    public var embedding: [Float]
    /// A small square JPEG of the face for contact sheets and gallery crops.
    public var thumbnail: Data

    /// Creates a face entry.
    public init(box: FaceBox, score: Float, embedding: [Float], thumbnail: Data) {
        self.box = box
        self.score = score
        self.embedding = embedding
        self.thumbnail = thumbnail
    }

    private enum CodingKeys: String, CodingKey { case box, score, embedding, thumbnail }

    /// Decodes a face; the embedding is base64 little-endian Float32.
    /// - Throws: `DecodingError` for a malformed entry.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        box = try c.decode(FaceBox.self, forKey: .box)
        score = try c.decode(Float.self, forKey: .score)
        thumbnail = try c.decode(Data.self, forKey: .thumbnail)
        let text = try c.decode(String.self, forKey: .embedding)
        guard let bytes = Data(base64Encoded: text), bytes.count % 4 == 0, bytes.count <= 4 * 65_536 else {
            throw DecodingError.dataCorruptedError(forKey: .embedding, in: c, debugDescription: "not base64 Float32")
        }
        embedding = bytes.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Encodes a face; the embedding as base64 little-endian Float32.
    /// - Throws: `EncodingError` from the encoder.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(box, forKey: .box)
        try c.encode(score, forKey: .score)
        try c.encode(thumbnail, forKey: .thumbnail)
        var bytes = Data(capacity: embedding.count * 4)
        for value in embedding { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        try c.encode(bytes.base64EncodedString(), forKey: .embedding)
    }
}
