/// Why a network could not be built from a weight file.
public enum ModelLoadError: Error, Equatable, CustomStringConvertible {
    /// The file has no tensor under this key.
    case missingTensor(key: String)
    /// Several tensors are missing (all of them are named).
    case missingTensors(keys: [String])
    /// The tensor exists with another shape.
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    /// The file holds tensors the architecture does not use (a sign of a wrong file).
    case unusedTensors(keys: [String])
    /// The file is of another architecture or version.
    case wrongArchitecture(String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .missingTensor(let key):
            return "weight file has no tensor '\(key)'"
        case .missingTensors(let keys):
            return "weight file lacks \(keys.count) tensor(s): \(keys.joined(separator: ", "))"
        case .shapeMismatch(let key, let expected, let found):
            return "tensor '\(key)' has shape \(found), the architecture needs \(expected)"
        case .unusedTensors(let keys):
            let shown = keys.prefix(8).joined(separator: ", ")
            return "weight file has \(keys.count) tensor(s) the architecture does not use (\(shown)\(keys.count > 8 ? ", …" : "")): wrong file?"
        case .wrongArchitecture(let why):
            return "weight file does not match the architecture: \(why)"
        }
    }
}
