import VisageModels
import VisageStore

extension GalleryModel {
    /// The preprocessing version of the shipped pipeline (alignment + chip recipe). Bump it when
    /// alignment changes so that old galleries are refused and re-embedded.
    public static let pipelinePreprocessingVersion = 1

    /// The gallery binding for a registry encoder: its id (`dlib-resnet`, ...), the pipeline's
    /// preprocessing version and the embedding size.
    /// - Parameter descriptor: the encoder's registry entry.
    public static func encoder(_ descriptor: ModelDescriptor) -> GalleryModel {
        GalleryModel(id: descriptor.id.rawValue, preprocessingVersion: pipelinePreprocessingVersion,
                     dimension: descriptor.embeddingSize)
    }

    /// The registry entry of this model, when its id names a shipped encoder.
    public var descriptor: ModelDescriptor? { EncoderID(rawValue: id).map(ModelDescriptor.of) }
}
