import Foundation

/// Why training could not start or continue.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dataset folder does not exist or cannot be listed.
    case unreadableDirectory(path: String, reason: String)
    /// An image of the dataset could not be decoded.
    case unreadableImage(path: String, reason: String)
    /// Too few identities with at least two images to form a batch.
    case notEnoughIdentities(path: String, found: Int, needed: Int)
    /// A batch shape like `6x10` was malformed.
    case invalidBatchShape(String)
    /// A pairs file line could not be understood.
    case invalidPairLine(file: String, line: Int, text: String)
    /// A pairs file names an image that does not exist.
    case missingPairImage(file: String, line: Int, path: String)
    /// A pairs file has no pair of each kind.
    case degeneratePairs(file: String, same: Int, different: Int)
    /// A checkpoint does not belong to this training run.
    case incompatibleCheckpoint(path: String, reason: String)
    /// An option value is out of range.
    case invalidOption(name: String, value: String, reason: String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .unreadableDirectory(let path, let reason):
            return "cannot read the dataset folder \(path): \(reason)"
        case .unreadableImage(let path, let reason):
            return "cannot read the image \(path): \(reason)"
        case .notEnoughIdentities(let path, let found, let needed):
            return "\(path) has \(found) identities with at least two images; a batch needs \(needed) — use one folder per person with two or more images each, or lower P in --batch PxK"
        case .invalidBatchShape(let text):
            return "invalid batch shape '\(text)': write P×K as e.g. 6x10 (P identities, K images each; P ≥ 2, K ≥ 2)"
        case .invalidPairLine(let file, let line, let text):
            return "\(file):\(line): cannot read the pair '\(text)' — expected 'pathA pathB 0|1', or LFW's 'name i j' / 'name1 i name2 j'"
        case .missingPairImage(let file, let line, let path):
            return "\(file):\(line): image not found: \(path)"
        case .degeneratePairs(let file, let same, let different):
            return "\(file) has \(same) same-person and \(different) different-person pairs; validation needs at least one of each"
        case .incompatibleCheckpoint(let path, let reason):
            return "cannot resume from \(path): \(reason)"
        case .invalidOption(let name, let value, let reason):
            return "invalid \(name) '\(value)': \(reason)"
        }
    }
}
