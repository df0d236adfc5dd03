/// Why an enrolment image was not accepted. The raw values are stable snake_case codes for
/// scripts and HTTP clients; never rename them.
public enum RejectionReason: String, Sendable, CaseIterable, Codable {
    /// The bytes are not a decodable image.
    case unreadableImage = "unreadable_image"
    /// No face was detected.
    case noFace = "no_face"
    /// Several faces were detected and the policy asks for exactly one.
    case multipleFaces = "multiple_faces"
    /// The face is smaller than the policy's minimum size.
    case faceTooSmall = "face_too_small"
    /// The aligned face is too blurry (low Laplacian variance).
    case blurry
    /// The aligned face is too dark, too bright or too clipped.
    case badExposure = "bad_exposure"
    /// The same image (same SHA-256) is already enrolled for this person, or repeated in the batch.
    case duplicateImage = "duplicate_image"

    /// A short explanation for people.
    public var summary: String {
        switch self {
        case .unreadableImage: return "the file is not a readable image"
        case .noFace: return "no face was found"
        case .multipleFaces: return "several faces were found (use --face largest to take the largest)"
        case .faceTooSmall: return "the face is too small"
        case .blurry: return "the face is too blurry"
        case .badExposure: return "the face is too dark or too bright"
        case .duplicateImage: return "this image is already enrolled"
        }
    }
}
