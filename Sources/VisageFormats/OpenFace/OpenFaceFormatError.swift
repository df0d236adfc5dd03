/// Why an OpenFace per-layer CSV folder could not be loaded.
public enum OpenFaceFormatError: Error, CustomStringConvertible, Equatable {
    /// The folder does not exist.
    case directoryNotFound(path: String)
    /// Tensor files are missing; `files` lists every one of them (e.g. `inception_3c_3x3_conv2_w.csv`).
    case missingTensors(directory: String, files: [String])
    /// A file exists but could not be read.
    case unreadable(file: String, reason: String)
    /// A file is far larger than its expected number of values can take; it is not read.
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    /// A value is not a decimal number (`index` counts values from 0; `byteOffset` is in the file).
    case malformedNumber(file: String, index: Int, byteOffset: Int, text: String)
    /// A value does not fit a finite Float.
    case nonFiniteValue(file: String, index: Int, text: String)
    /// A file holds a different number of values than its tensor's shape needs.
    case wrongCount(file: String, expected: Int, found: Int)

    /// A message naming the file and what is wrong.
    public var description: String {
        switch self {
        case let .directoryNotFound(path):
            return "OpenFace CSV folder not found: \(path)"
        case let .missingTensors(directory, files):
            return "OpenFace CSV folder \(directory) lacks \(files.count) tensor file(s): \(files.joined(separator: ", ")); get a complete export (the folder's README lists checksums)"
        case let .unreadable(file, reason):
            return "cannot read \(file): \(reason)"
        case let .fileTooLarge(file, bytes, limit):
            return "\(file) has \(bytes) bytes, more than the \(limit) its values can need: wrong or corrupt file"
        case let .malformedNumber(file, index, offset, text):
            return "\(file): value \(index) at byte \(offset) is not a number: '\(text)'"
        case let .nonFiniteValue(file, index, text):
            return "\(file): value \(index) '\(text)' is not a finite float32"
        case let .wrongCount(file, expected, found):
            return "\(file): expected \(expected) values, found \(found) (truncated, or the wrong layer's file)"
        }
    }
}
