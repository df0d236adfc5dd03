import VisageImage
import VisageModels

/// An encoder for whole photos: detects the faces, aligns the largest, and encodes it.
///
/// This lets the course's API (`FaceDatabase`, `CourseRecognizer`) work on ordinary photos with
/// any pipeline, e.g. dlib's detector and ResNet.
public struct LargestFaceEncoder: FaceEncoder {
    /// Why a photo could not be encoded.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No face was found in the photo at this position of the batch.
        case noFace(index: Int)

        /// A message a user can act on.
        public var description: String {
            switch self {
            case .noFace(let index):
                return "no face found in photo \(index + 1) of the batch (try --upsample 2 for small faces)"
            }
        }
    }

    /// The pipeline that finds, aligns and encodes faces.
    public let pipeline: FacePipeline

    /// Wraps a pipeline.
    public init(pipeline: FacePipeline) { self.pipeline = pipeline }

    /// The pipeline's encoder's registry entry.
    public var descriptor: ModelDescriptor { pipeline.encoder.descriptor }

    /// The embedding of the largest face of each photo.
    /// - Throws: ``Failure/noFace(index:)`` for a photo without a face, or the pipeline's errors.
    public func encode(_ photos: [Image]) throws -> [[Float]] {
        try photos.enumerated().map { i, photo in
            guard let face = try pipeline.faces(in: photo).first else { throw Failure.noFace(index: i) }
            return face.embedding
        }
    }
}
