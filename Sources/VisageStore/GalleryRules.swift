import Foundation

/// The rules every gallery backend enforces, and the stored encodings they share.
///
/// ``Gallery`` (SQLite) applies them internally; other backends (the PostgreSQL gallery) call
/// these so that both accept and refuse exactly the same input with the same ``GalleryError``.
public enum GalleryRules {
    /// Checks a person name: 1–``Gallery/maximumNameLength`` characters, not only whitespace, no NUL.
    /// - Throws: ``GalleryError/invalidName(name:)``.
    public static func validate(name: String) throws {
        try Gallery.validate(name: name)
    }

    /// Checks a face sample for a gallery bound to `model`: embedding size and finiteness,
    /// lower-case hex SHA-256, finite non-empty box, finite quality and landmarks.
    /// - Throws: ``GalleryError/dimensionMismatch(expected:actual:)``,
    ///   ``GalleryError/nonFiniteEmbedding``, ``GalleryError/invalidFace(reason:)``.
    public static func validate(_ face: NewFace, model: GalleryModel) throws {
        try Gallery.validate(face, model: model)
    }

    /// Checks calibration text: any valid JSON (fragments allowed) for a non-empty model id.
    /// - Throws: ``GalleryError/invalidJSON(reason:)``.
    public static func validateCalibration(_ json: String, modelID: String) throws {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
            throw GalleryError.invalidJSON(reason: "calibration is not valid JSON")
        }
        guard !modelID.isEmpty else { throw GalleryError.invalidJSON(reason: "calibration needs a model id") }
    }

    /// Metadata as stored: `nil` when empty, otherwise a JSON object with sorted keys.
    /// - Throws: ``GalleryError/invalidJSON(reason:)``.
    public static func encode(metadata: [String: String]) throws -> String? {
        try Gallery.encode(metadata: metadata)
    }

    /// Stored metadata JSON back to a dictionary.
    /// - Throws: ``GalleryError/invalidJSON(reason:)`` when the text is not an object of strings.
    public static func decode(metadata json: String) throws -> [String: String] {
        try Gallery.decode(metadata: json)
    }

    /// Landmarks as stored: a JSON array of `[x, y]` pairs.
    public static func encode(landmarks: [FacePoint]) -> String {
        Gallery.encodeLandmarks(landmarks)
    }

    /// Stored landmarks JSON back to points (an unreadable value gives no points).
    public static func decode(landmarks json: String) -> [FacePoint] {
        Gallery.decodeLandmarks(json)
    }

    /// An embedding as stored: little-endian IEEE-754 Float32, 4 bytes per value.
    public static func embeddingBytes(_ vector: [Float]) -> Data {
        EmbeddingCodec.encode(vector)
    }

    /// Appends the `dimension` values of stored embedding bytes to `matrix`.
    /// - Returns: `false` (appending nothing) when `bytes` is not exactly `4 × dimension` long.
    public static func appendEmbedding(_ bytes: Data, dimension: Int, to matrix: inout [Float]) -> Bool {
        EmbeddingCodec.append(bytes, dimension: dimension, to: &matrix)
    }
}
