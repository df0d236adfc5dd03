/// The single-file format of `torch.save(..., _use_new_zipfile_serialization=False)` (and of
/// every PyTorch before 1.6): five pickles, then the storages' raw data.
///
///     pickle  magic number 0x1950a86a20f9469cfc6c
///     pickle  protocol version 1001
///     pickle  sys_info {'protocol_version', 'little_endian', 'type_sizes'}
///     pickle  the object (a state dict), storages as persistent ids
///     pickle  the list of storage keys, in data order
///     per key: u64 element count (little-endian), then count × element size bytes
enum PyTorchLegacyFormat {
    /// 0x1950a86a20f9469cfc6c as the little-endian bytes of `LONG1`.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    static func read(_ bytes: [UInt8]) throws -> (specs: [PyTorchTensorSpec], storages: [String: PyTorchStorageData]) {
        var unpickler = Unpickler(bytes: bytes)
        guard case .bigInt(let magic) = try unpickler.load(), magic == Self.magic else {
            throw PyTorchFormatError.badMagicNumber
        }
        let version = try next(&unpickler, bytes)
        guard version.intValue == 1001 else {
            throw PyTorchFormatError.unsupportedLegacyVersion(Int(version.intValue ?? -1))
        }
        if case .dict(let info) = try next(&unpickler, bytes), case .bool(false)? = info["little_endian"] {
            throw PyTorchFormatError.bigEndianCheckpoint
        }
        unpickler = Unpickler(bytes: bytes, offset: unpickler.offset,
                              allowedGlobals: PyTorchCheckpoint.allowedGlobals)
        let specs = try PyTorchStateDict.tensorSpecs(in: try unpickler.load(), fileSize: bytes.count)
        let declared = try declaredStorages(specs)
        let keys = try next(&unpickler, bytes)
        guard let keyList = keys.sequenceElements else {
            throw PyTorchFormatError.malformedStorage(key: "?", reason: "storage key list is \(keys.kindDescription)")
        }

        var reader = PyTorchByteReader(bytes: bytes, offset: unpickler.offset)
        var storages: [String: PyTorchStorageData] = [:]
        for item in keyList {
            guard let key = item.stringValue else {
                throw PyTorchFormatError.malformedStorage(key: "?", reason: "storage key is \(item.kindDescription)")
            }
            guard let reference = declared[key] else {
                throw PyTorchFormatError.malformedStorage(key: key, reason: "listed but no tensor refers to it")
            }
            guard storages[key] == nil else {
                throw PyTorchFormatError.malformedStorage(key: key, reason: "listed twice")
            }
            let countOffset = reader.offset
            let rawCount = try reader.uintLE(8)
            let size = reference.dataType.elementSize
            guard let count = Int(exactly: rawCount), count <= reader.remaining / size else {
                let declaredBytes = rawCount > UInt64(Int.max / size) ? Int.max : Int(rawCount) * size
                throw PyTorchFormatError.storageSizeExceedsFile(
                    key: key, declaredBytes: declaredBytes, availableBytes: reader.remaining)
            }
            guard count == reference.count else {
                throw PyTorchFormatError.malformedStorage(
                    key: key, reason: "data at byte \(countOffset) holds \(count) elements, the pickle declares \(reference.count)")
            }
            storages[key] = PyTorchStorageData(dataType: reference.dataType, count: count, byteOffset: reader.offset)
            try reader.skip(count * size)
        }
        return (specs, storages)
    }

    /// Reads the next plain pickle (no globals allowed).
    private static func next(_ unpickler: inout Unpickler, _ bytes: [UInt8]) throws -> PickleValue {
        unpickler = Unpickler(bytes: bytes, offset: unpickler.offset)
        return try unpickler.load()
    }

    /// One reference per storage key; all references to a key must agree on type and size.
    static func declaredStorages(_ specs: [PyTorchTensorSpec]) throws -> [String: PyTorchStorageReference] {
        var declared: [String: PyTorchStorageReference] = [:]
        for spec in specs {
            let reference = spec.storage
            if let other = declared[reference.key] {
                guard other.dataType == reference.dataType, other.count == reference.count else {
                    throw PyTorchFormatError.malformedStorage(
                        key: reference.key, reason: "declared as \(other.count) × \(other.dataType) and as \(reference.count) × \(reference.dataType)")
                }
            } else {
                declared[reference.key] = reference
            }
        }
        return declared
    }
}
