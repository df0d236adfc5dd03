import Foundation
import VisageStore

/// Everything that can go wrong while enrolling, verifying or identifying, beyond the gallery's
/// own ``GalleryError``s (which pass through unchanged).
public enum RecognitionError: Error, Equatable, CustomStringConvertible {
    /// The image bytes are not a decodable image.
    case unreadableImage(source: String, reason: String)
    /// Verification needs a face and the image has none.
    case noFace(source: String)
    /// The person named in a verification is not in the gallery.
    case unknownPerson(name: String)
    /// The person exists but has no face samples to compare with.
    case noSamples(name: String)
    /// The gallery is bound to a model whose embeddings the pipeline does not produce.
    case modelMismatch(gallery: GalleryModel, pipeline: GalleryModel)
    /// An argument is out of range (threshold, top-K, policy limits, ...).
    case invalidArgument(String)
    /// The stored calibration cannot be read.
    case badCalibration(String)

    /// A message that says what happened and what to do about it.
    public var description: String {
        switch self {
        case .unreadableImage(let source, let reason):
            return "Cannot read the image \(source): \(reason). Use a JPEG, PNG or PNM file."
        case .noFace(let source):
            return "No face found in \(source). Use a photo where the face is visible and at least 60 px wide."
        case .unknownPerson(let name):
            return "No person named \"\(name)\" in the gallery (names are case-sensitive). See `visage people list`."
        case .noSamples(let name):
            return "\"\(name)\" has no photos in the gallery. Enrol one with `visage enroll \"\(name)\" PHOTO`."
        case .modelMismatch(let gallery, let pipeline):
            return "The gallery holds \(gallery) embeddings but the pipeline produces \(pipeline). Use the gallery's model or run `visage gallery reembed`."
        case .invalidArgument(let message):
            return "Invalid argument: \(message)."
        case .badCalibration(let message):
            return "The gallery's calibration cannot be used (\(message)). Run `visage calibrate DIR --gallery PATH` again."
        }
    }
}
