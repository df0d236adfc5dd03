/// Why a dlib file (`.dat` network or shape predictor) could not be read.
///
/// Every case names the byte offset where reading failed, so a corrupt or truncated file can be
/// diagnosed with a hex dump. Offsets count from the start of the file.
public enum DlibFormatError: Error, Equatable, CustomStringConvertible {
    /// The file ended while `what` still needed `needed` more bytes.
    case truncated(offset: Int, what: String, needed: Int, available: Int)
    /// An integer's control byte is invalid (zero length, more than 8 bytes, a set sign bit on an
    /// unsigned field, or the legacy text format).
    case badControlByte(offset: Int, byte: UInt8, what: String)
    /// A decoded integer does not fit the field or lies outside the range the format allows.
    case valueOutOfRange(offset: Int, what: String, value: Int64, allowed: ClosedRange<Int64>)
    /// A `bool` byte is neither `'0'` nor `'1'`.
    case badBool(offset: Int, byte: UInt8, what: String)
    /// A record's version string is not one this reader understands for the expected layer.
    case unexpectedVersionTag(offset: Int, expected: [String], found: String)
    /// A numeric version is not one this reader understands.
    case unexpectedVersion(offset: Int, what: String, expected: [Int64], found: Int64)
    /// A tensor or matrix has another shape than the architecture requires.
    case shapeMismatch(offset: Int, what: String, expected: [Int], found: [Int])
    /// A layer's geometry or option (kernel, stride, padding, bias mode …) differs from the architecture.
    case architectureMismatch(offset: Int, what: String, expected: String, found: String)
    /// A count or size is larger than the rest of the file could possibly hold.
    case sizeTooLarge(offset: Int, what: String, count: Int64, limit: Int64)
    /// The file has bytes after the last expected field.
    case trailingBytes(offset: Int, count: Int)
    /// A value is structurally valid but unusable (for example an index out of range).
    case invalidValue(offset: Int, what: String, detail: String)
    /// The file could not be read from disk.
    case unreadable(path: String, reason: String)

    /// A message that says what is wrong and where.
    public var description: String {
        switch self {
        case let .truncated(offset, what, needed, available):
            return "dlib file truncated at offset \(offset): \(what) needs \(needed) bytes, only \(available) left"
        case let .badControlByte(offset, byte, what):
            return "bad integer control byte 0x\(String(byte, radix: 16)) for \(what) at offset \(offset)"
        case let .valueOutOfRange(offset, what, value, allowed):
            return "\(what) = \(value) at offset \(offset) is outside \(allowed.lowerBound)...\(allowed.upperBound)"
        case let .badBool(offset, byte, what):
            return "bad bool byte 0x\(String(byte, radix: 16)) for \(what) at offset \(offset) (expected '0' or '1')"
        case let .unexpectedVersionTag(offset, expected, found):
            return "bad version tag at offset \(offset): expected \(expected.joined(separator: " or ")) got \"\(found)\""
        case let .unexpectedVersion(offset, what, expected, found):
            let list = expected.map(String.init).joined(separator: " or ")
            return "unexpected \(what) version \(found) at offset \(offset) (expected \(list))"
        case let .shapeMismatch(offset, what, expected, found):
            return "shape mismatch for \(what) at offset \(offset): expected \(expected) got \(found)"
        case let .architectureMismatch(offset, what, expected, found):
            return "\(what) at offset \(offset) does not match the architecture: expected \(expected) got \(found)"
        case let .sizeTooLarge(offset, what, count, limit):
            return "\(what) at offset \(offset) claims \(count) elements, more than the file can hold (\(limit))"
        case let .trailingBytes(offset, count):
            return "\(count) unexpected bytes after the end of the model at offset \(offset)"
        case let .invalidValue(offset, what, detail):
            return "invalid \(what) at offset \(offset): \(detail)"
        case let .unreadable(path, reason):
            return "cannot read dlib file \(path): \(reason)"
        }
    }
}
