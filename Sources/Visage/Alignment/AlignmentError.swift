/// Why a face could not be aligned.
public enum AlignmentError: Error, Equatable, CustomStringConvertible {
    /// Chip alignment needs the 5-point or the 68-point landmark layout of dlib's shape predictors.
    case unsupportedLandmarkCount(Int)
    /// The chip size must be at least 1 pixel and the padding a finite value ≥ 0.
    case invalidChipGeometry(size: Int, padding: Double)

    /// A message that says what to change.
    public var description: String {
        switch self {
        case let .unsupportedLandmarkCount(count):
            return "face alignment needs 5 or 68 landmarks (dlib's shape predictors), got \(count)"
        case let .invalidChipGeometry(size, padding):
            return "invalid face chip geometry: size \(size) must be ≥ 1 and padding \(padding) finite and ≥ 0"
        }
    }
}
