/// Everything that can go wrong in VisageEval: bad pairs files, unusable score sets, bad
/// calibration files.
public enum EvalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A pairs file line could not be read. `line` is 1-based.
    case malformedLine(line: Int, reason: String)
    /// A pairs file's header is not one of the LFW layouts.
    case badHeader(line: Int, reason: String)
    /// The number of pair lines or their same/different order does not match the header.
    case layoutMismatch(reason: String)
    /// A file is larger than the reader accepts.
    case fileTooLarge(path: String, bytes: Int, limit: Int)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// A score set cannot be evaluated (no genuine or no impostor pairs, a non-finite distance…).
    case invalidScores(String)
    /// A parameter is outside its valid range.
    case invalidArgument(String)
    /// Too few impostor pairs to resolve the requested false-accept rate.
    case tooFewImpostorPairs(targetFAR: Double, have: Int, need: Int)
    /// A stored calibration could not be decoded or has an unsupported version.
    case badCalibration(String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .malformedLine(let line, let reason):
            return "pairs file line \(line): \(reason)"
        case .badHeader(let line, let reason):
            return "pairs file line \(line): bad header: \(reason) (expected `folds<TAB>pairs-per-class`, `pairs-per-class`, or no header)"
        case .layoutMismatch(let reason):
            return "pairs file does not match its header: \(reason)"
        case .fileTooLarge(let path, let bytes, let limit):
            return "\(path) is \(bytes) bytes; files over \(limit) bytes are refused"
        case .io(let path, let reason):
            return "cannot access \(path): \(reason)"
        case .invalidScores(let reason):
            return "cannot evaluate these scores: \(reason)"
        case .invalidArgument(let reason):
            return "invalid argument: \(reason)"
        case .tooFewImpostorPairs(let far, let have, let need):
            return "a false-accept rate of \(far) needs at least \(need) impostor pairs, only \(have) available: add people or raise the target rate"
        case .badCalibration(let reason):
            return "bad calibration: \(reason)"
        }
    }
}
