/// Why a pickle stream or a PyTorch checkpoint could not be read.
///
/// Every failure of the pickle reader, the zip reader and the checkpoint loader is one of these
/// cases; none of them is ever a crash or an oversized allocation. Offsets are byte offsets
/// into the buffer being read (the whole file for legacy checkpoints, `data.pkl` for zip ones).
public enum PyTorchFormatError: Error, Equatable, CustomStringConvertible {
    /// The data ends before a value that starts at `offset` is complete.
    case truncated(offset: Int, needed: Int, available: Int)
    /// An opcode this reader does not implement (or that is not a pickle opcode at all).
    case unsupportedOpcode(UInt8, offset: Int)
    /// A `PROTO` opcode names a protocol newer than 5.
    case unsupportedPickleProtocol(Int, offset: Int)
    /// The pickle refers to a global that is not on the allow-list; nothing was called.
    case forbiddenGlobal(module: String, name: String, offset: Int)
    /// The opcodes are well formed but do not fit together (stack underflow, wrong operand type...).
    case malformedPickle(reason: String, offset: Int)
    /// A structural limit (nesting depth, stack size, memo size) was exceeded.
    case pickleLimitExceeded(limit: String, value: Int, offset: Int)
    /// A text value is not valid UTF-8.
    case invalidUTF8(offset: Int)
    /// The zip archive's directory or headers are inconsistent.
    case malformedZip(reason: String)
    /// A zip entry the loader needs is compressed; PyTorch writes entries uncompressed.
    case compressedZipEntry(name: String, method: Int)
    /// A zip entry's CRC-32 does not match its data.
    case zipChecksumMismatch(name: String)
    /// A zip entry the checkpoint needs is absent.
    case missingZipEntry(name: String)
    /// The file is neither a zip checkpoint nor a legacy (pickle) checkpoint.
    case unrecognizedCheckpointFormat(firstBytes: [UInt8])
    /// A legacy checkpoint does not start with PyTorch's magic number.
    case badMagicNumber
    /// A legacy checkpoint has a serialization protocol version other than 1001.
    case unsupportedLegacyVersion(Int)
    /// The checkpoint was written on a big-endian machine.
    case bigEndianCheckpoint
    /// A storage holds elements this loader cannot turn into Float32 (complex, quantized...).
    case unsupportedDataType(storageType: String)
    /// A value in the state dict is neither a tensor, a nested dict nor a plain scalar.
    case unsupportedValue(key: String, found: String)
    /// A tensor's rebuild arguments are malformed.
    case malformedTensor(name: String, reason: String)
    /// A storage's persistent id is malformed or contradicts another reference to it.
    case malformedStorage(key: String, reason: String)
    /// A storage declares more bytes than the file holds where it should be.
    case storageSizeExceedsFile(key: String, declaredBytes: Int, availableBytes: Int)
    /// A tensor refers to a storage whose data is not in the file.
    case missingStorage(key: String)
    /// A tensor's offset, shape and strides reach outside its storage.
    case tensorOutOfBounds(name: String, lastIndex: Int, storageCount: Int)
    /// The tensors would need more elements than the file can account for.
    case elementBudgetExceeded(name: String, budget: Int)

    /// A message that says what is wrong and what to do about it.
    public var description: String {
        switch self {
        case let .truncated(offset, needed, available):
            return "truncated data at byte \(offset): needed \(needed) bytes, \(available) left — the file is incomplete; download it again"
        case let .unsupportedOpcode(code, offset):
            return "unsupported pickle opcode 0x\(String(code, radix: 16)) at byte \(offset) — the file is corrupt or not a PyTorch state dict"
        case let .unsupportedPickleProtocol(version, offset):
            return "pickle protocol \(version) at byte \(offset) is newer than 5 — re-save the checkpoint with an older protocol"
        case let .forbiddenGlobal(module, name, offset):
            return "the pickle refers to \(module).\(name) (byte \(offset)), which is not allowed in a state dict; nothing was executed — save model.state_dict() instead of the model or arbitrary objects"
        case let .malformedPickle(reason, offset):
            return "malformed pickle at byte \(offset): \(reason)"
        case let .pickleLimitExceeded(limit, value, offset):
            return "pickle \(limit) reached \(value) at byte \(offset), beyond the reader's limit — the file is hostile or not a state dict"
        case let .invalidUTF8(offset):
            return "invalid UTF-8 text at byte \(offset) — the file is corrupt"
        case let .malformedZip(reason):
            return "malformed zip checkpoint: \(reason)"
        case let .compressedZipEntry(name, method):
            return "zip entry \(name) is compressed (method \(method)); only stored entries are supported — re-save it with torch.save"
        case let .zipChecksumMismatch(name):
            return "zip entry \(name) fails its CRC-32 check — the file is corrupt; download it again"
        case let .missingZipEntry(name):
            return "zip checkpoint has no entry \(name)"
        case let .unrecognizedCheckpointFormat(first):
            let hex = first.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            return "not a PyTorch checkpoint (starts with \(hex)); expected a zip archive or a legacy pickle"
        case .badMagicNumber:
            return "legacy checkpoint lacks PyTorch's magic number — the file is not a torch.save file"
        case let .unsupportedLegacyVersion(version):
            return "legacy checkpoint protocol version \(version) is not 1001"
        case .bigEndianCheckpoint:
            return "the checkpoint was saved on a big-endian machine; re-save it on a little-endian one"
        case let .unsupportedDataType(storageType):
            return "storage type \(storageType) cannot be converted to Float32 (supported: float, double, half, bfloat16 and integer/bool storages)"
        case let .unsupportedValue(key, found):
            return "state dict entry \(key) holds \(found), not a tensor — load a plain state dict"
        case let .malformedTensor(name, reason):
            return "tensor \(name) is malformed: \(reason)"
        case let .malformedStorage(key, reason):
            return "storage \(key) is malformed: \(reason)"
        case let .storageSizeExceedsFile(key, declared, available):
            return "storage \(key) declares \(declared) bytes but only \(available) remain — the file is truncated or corrupt"
        case let .missingStorage(key):
            return "storage \(key) is referenced but its data is not in the file"
        case let .tensorOutOfBounds(name, lastIndex, count):
            return "tensor \(name) reaches element \(lastIndex) of a storage of \(count) elements — the file is corrupt"
        case let .elementBudgetExceeded(name, budget):
            return "tensor \(name) would take the checkpoint past \(budget) elements, more than its storages hold — the file is hostile or corrupt"
        }
    }
}
