/// Why a face could not be aligned from five landmarks.
public enum FivePointAlignmentError: Error, Equatable, CustomStringConvertible {
    /// Alignment needs exactly five landmarks (MTCNN's); the count given.
    case wrongLandmarkCount(Int)
    /// The landmarks are not finite or all coincide, so no transform fits them.
    case degenerateLandmarks
    /// A template was malformed; the reason.
    case invalidTemplate(String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .wrongLandmarkCount(let n):
            return "five-point alignment needs 5 landmarks (left eye, right eye, nose, mouth corners), got \(n): use a detector that gives them (MTCNN)"
        case .degenerateLandmarks:
            return "the landmarks are not finite or coincide, so the face cannot be aligned"
        case .invalidTemplate(let why):
            return "invalid alignment template: \(why)"
        }
    }
}
