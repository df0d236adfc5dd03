/// Why a safetensors file could not be read or written.
///
/// `file` is the path (or the label given to ``Safetensors/decode(_:label:)``); `tensor` names
/// the header entry at fault.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The file is shorter than its 8-byte header length plus the header it announces.
    case truncated(file: String, fileSize: Int, needed: UInt64)
    /// The announced header length exceeds the limit (100 MB, as in the reference implementation).
    case headerTooLarge(file: String, length: UInt64, limit: Int)
    /// The header is not a JSON object of tensor entries and an optional `__metadata__` string map.
    case invalidHeader(file: String, reason: String)
    /// A tensor's dtype is not one of F32, F16, BF16, F64.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A tensor's shape times its dtype size differs from its byte range (or overflows).
    case shapeMismatch(file: String, tensor: String, shape: [UInt64], dtype: String, byteCount: UInt64)
    /// A tensor's `data_offsets` are reversed or reach past the end of the data.
    case offsetsOutOfBounds(file: String, tensor: String, begin: UInt64, end: UInt64, dataSize: UInt64)
    /// Two tensors share bytes.
    case overlappingTensors(file: String, first: String, second: String)
    /// Bytes of the data section belong to no tensor (the format requires full coverage).
    case uncoveredBytes(file: String, offset: UInt64, count: UInt64)
    /// The same tensor name was given twice to a writer.
    case duplicateName(name: String)
    /// A tensor name is reserved (`__metadata__`).
    case reservedName(name: String)
    /// Writing or renaming the output file failed.
    case writeFailed(file: String, reason: String)

    /// A message naming the file and the entry at fault.
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "cannot read safetensors file \(file): \(reason)"
        case let .truncated(file, size, needed):
            return "\(file) is truncated: \(size) bytes, its header needs at least \(needed)"
        case let .headerTooLarge(file, length, limit):
            return "\(file): header length \(length) exceeds the limit of \(limit) bytes (corrupt or not a safetensors file)"
        case let .invalidHeader(file, reason):
            return "\(file): invalid safetensors header: \(reason)"
        case let .unsupportedDType(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); supported are F32, F16, BF16 and F64"
        case let .shapeMismatch(file, tensor, shape, dtype, byteCount):
            return "\(file): tensor '\(tensor)' of shape \(shape) and dtype \(dtype) does not fit its \(byteCount) bytes"
        case let .offsetsOutOfBounds(file, tensor, begin, end, dataSize):
            return "\(file): tensor '\(tensor)' has data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data section"
        case let .overlappingTensors(file, first, second):
            return "\(file): tensors '\(first)' and '\(second)' overlap"
        case let .uncoveredBytes(file, offset, count):
            return "\(file): \(count) data bytes at offset \(offset) belong to no tensor"
        case let .duplicateName(name):
            return "tensor name '\(name)' is given twice"
        case let .reservedName(name):
            return "'\(name)' is reserved for metadata and cannot name a tensor"
        case let .writeFailed(file, reason):
            return "cannot write \(file): \(reason)"
        }
    }
}
