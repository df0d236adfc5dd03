/// The zip format of `torch.save` since PyTorch 1.6:
///
///     <archive>/data.pkl      the object (a state dict), storages as persistent ids
///     <archive>/data/<key>    each storage's raw little-endian elements
///     <archive>/version       the format version
///     <archive>/byteorder     "little" or "big" (PyTorch 2.1 and later)
///
/// `<archive>` is whatever single folder holds `data.pkl` (`archive` in recent PyTorch).
enum PyTorchZipFormat {
    static func read(_ bytes: [UInt8]) throws -> (specs: [PyTorchTensorSpec], storages: [String: PyTorchStorageData]) {
        let archive = try PyTorchZipArchive(bytes: bytes)
        guard let pickle = archive.entries.first(where: { isTopLevelPickle($0.name) }) else {
            throw PyTorchFormatError.missingZipEntry(name: "<archive>/data.pkl")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let range = try archive.dataRange(of: order)
            if bytes[range].elementsEqual("big".utf8) { throw PyTorchFormatError.bigEndianCheckpoint }
        }
        let range = try archive.dataRange(of: pickle)
        var unpickler = Unpickler(bytes: bytes, offset: range.lowerBound, end: range.upperBound,
                                  allowedGlobals: PyTorchCheckpoint.allowedGlobals)
        let specs = try PyTorchStateDict.tensorSpecs(in: try unpickler.load(), fileSize: bytes.count)

        var storages: [String: PyTorchStorageData] = [:]
        let declared = try PyTorchLegacyFormat.declaredStorages(specs)
        for spec in specs {
            let key = spec.storage.key
            guard storages[key] == nil, let reference = declared[key] else { continue }
            let name = prefix + "data/" + key
            guard let entry = archive.entry(named: name) else {
                throw PyTorchFormatError.missingZipEntry(name: name)
            }
            let (declaredBytes, overflow) = reference.count.multipliedReportingOverflow(by: reference.dataType.elementSize)
            guard !overflow, declaredBytes <= entry.uncompressedSize else {
                throw PyTorchFormatError.storageSizeExceedsFile(
                    key: key, declaredBytes: overflow ? Int.max : declaredBytes, availableBytes: entry.uncompressedSize)
            }
            guard declaredBytes == entry.uncompressedSize else {
                throw PyTorchFormatError.malformedStorage(
                    key: key, reason: "entry \(name) has \(entry.uncompressedSize) bytes, the pickle declares \(declaredBytes)")
            }
            let data = try archive.dataRange(of: entry)
            storages[key] = PyTorchStorageData(dataType: reference.dataType, count: reference.count, byteOffset: data.lowerBound)
        }
        return (specs, storages)
    }

    /// `data.pkl` or `<one folder>/data.pkl`.
    private static func isTopLevelPickle(_ name: String) -> Bool {
        guard name.hasSuffix("data.pkl") else { return false }
        let folder = name.dropLast("data.pkl".count)
        return folder.isEmpty || (folder.hasSuffix("/") && folder.dropLast().allSatisfy { $0 != "/" } && folder.count > 1)
    }
}
