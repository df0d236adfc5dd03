/// The embedding model a gallery is bound to.
///
/// A gallery holds embeddings from exactly one model and preprocessing version, because
/// distances between embeddings of different models are meaningless.
public struct GalleryModel: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The encoder's identifier, for example `dlib-resnet-v1`.
    public var id: String
    /// The version of the alignment and normalisation feeding the encoder.
    public var preprocessingVersion: Int
    /// The number of values in one embedding.
    public var dimension: Int

    /// Creates a model description.
    /// - Parameters:
    ///   - id: The encoder's identifier.
    ///   - preprocessingVersion: The preprocessing version (bump it when alignment changes).
    ///   - dimension: The embedding size.
    public init(id: String, preprocessingVersion: Int, dimension: Int) {
        self.id = id
        self.preprocessingVersion = preprocessingVersion
        self.dimension = dimension
    }

    /// `id` with its preprocessing version and dimension, e.g. `dlib-resnet-v1/p1/128d`.
    public var description: String { "\(id)/p\(preprocessingVersion)/\(dimension)d" }
}
