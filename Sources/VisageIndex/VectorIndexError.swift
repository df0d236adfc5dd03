#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the vector index: bad arguments, unknown ids, and unreadable or hostile index files.
public enum VectorIndexError: Error, Equatable, CustomStringConvertible {
    /// The dimension is outside `1...VectorIndex.maximumDimension`.
    case invalidDimension(Int)
    /// A flat array of vectors does not hold a whole number of vectors of the index's dimension.
    case dimensionMismatch(expected: Int, elementCount: Int)
    /// The number of labels differs from the number of vectors.
    case labelCountMismatch(vectors: Int, labels: Int)
    /// A vector holds a NaN or infinite component, or is too large for its squared norm to be
    /// a finite float.
    case nonFiniteVector(index: Int)
    /// `k` (or the re-rank factor) is outside `1...VectorIndex.maximumK`.
    case invalidK(Int)
    /// No live vector has this id (never added, or removed).
    case unknownID(Int64)
    /// The quantiser's dimension differs from the index's.
    case quantizerMismatch(expected: Int, actual: Int)
    /// A quantiser bound is not finite or the maximum is below the minimum.
    case invalidQuantizer(dimension: Int)
    /// The index would grow past `VectorIndex.maximumCount` rows.
    case tooManyVectors(Int)
    /// A file could not be opened, read, written, mapped or renamed.
    case io(path: String, operation: String, errno: Int32)
    /// The file is not a Visage index (bad magic bytes).
    case notAnIndex(path: String)
    /// The file's format version is not one this build reads.
    case unsupportedVersion(path: String, version: UInt32)
    /// The header is inconsistent or the file's length does not match it.
    case corruptFile(path: String, reason: String)
    /// A section's checksum does not match its bytes.
    case checksumMismatch(path: String, section: String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .invalidDimension(let d):
            return "vector dimension \(d) is outside 1...\(VectorIndex.maximumDimension)"
        case .dimensionMismatch(let d, let n):
            return "\(n) floats is not a whole number of \(d)-dimensional vectors"
        case .labelCountMismatch(let v, let l):
            return "\(v) vector(s) but \(l) label(s): give one label per vector"
        case .nonFiniteVector(let i):
            return "vector \(i) holds a NaN or infinite component, or is too large to square"
        case .invalidK(let k):
            return "k and the re-rank factor must be in 1...\(VectorIndex.maximumK) (got \(k))"
        case .unknownID(let id):
            return "no vector with id \(id) in the index (never added, or already removed)"
        case .quantizerMismatch(let e, let a):
            return "the quantiser is \(a)-dimensional but the index is \(e)-dimensional"
        case .invalidQuantizer(let d):
            return "quantiser bounds of dimension \(d) are not finite or maximum < minimum"
        case .tooManyVectors(let n):
            return "the index would hold \(n) vectors, above the limit of \(VectorIndex.maximumCount)"
        case .io(let path, let op, let code):
            return "cannot \(op) \(path): \(String(cString: strerror(code)))"
        case .notAnIndex(let path):
            return "\(path) is not a Visage vector index (bad magic bytes)"
        case .unsupportedVersion(let path, let v):
            return "\(path) is index format version \(v); this build reads version \(IndexFileLayout.version)"
        case .corruptFile(let path, let reason):
            return "\(path) is corrupt: \(reason); rebuild it from the original vectors"
        case .checksumMismatch(let path, let section):
            return "\(path): the \(section) section does not match its checksum; the file is damaged"
        }
    }
}
