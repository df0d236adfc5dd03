/// Why a detector could not be built or run.
public enum DetectionError: Error, Equatable, CustomStringConvertible {
    /// An option is out of its valid range; the message names it and the range.
    case invalidOption(name: String, value: Double, valid: String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case let .invalidOption(name, value, valid):
            return "detector option \(name) = \(value) is invalid: it must be \(valid)"
        }
    }
}
