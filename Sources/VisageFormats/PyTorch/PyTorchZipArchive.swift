/// A minimal reader of a zip archive held in memory: the central directory (zip64 included)
/// and stored (uncompressed) entries, which is what PyTorch writes. Every offset and size is
/// checked against the buffer before use.
struct PyTorchZipArchive {
    struct Entry {
        let name: String
        let flags: UInt16
        let method: Int
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    let bytes: [UInt8]
    private(set) var entries: [Entry] = []
    private var byName: [String: Int] = [:]
    /// Where the central directory starts; entry data must end before it.
    private var directoryOffset = 0

    private static let zip64LocatorSignature: UInt64 = 0x0706_4B50
    private static let zip64EndSignature: UInt64 = 0x0606_4B50
    private static let directorySignature: UInt64 = 0x0201_4B50
    private static let localSignature: UInt64 = 0x0403_4B50

    init(bytes: [UInt8]) throws {
        self.bytes = bytes
        let end = try Self.findEndRecord(bytes)
        var r = PyTorchByteReader(bytes: bytes, offset: end + 10)
        var count = Int(try r.uintLE(2))
        var size = Int(try r.uintLE(4))
        var offset = Int(try r.uintLE(4))
        var directoryEnd = end
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            (count, size, offset, directoryEnd) = try Self.readZip64End(bytes, endRecord: end)
        }
        guard offset <= directoryEnd, size <= directoryEnd - offset, count <= size / 46 else {
            throw PyTorchFormatError.malformedZip(reason: "central directory (\(count) entries, \(size) bytes at \(offset)) does not fit the file")
        }
        directoryOffset = offset
        r = PyTorchByteReader(bytes: bytes, offset: offset, end: offset + size)
        for _ in 0..<count {
            let entry = try Self.readDirectoryEntry(&r)
            guard byName[entry.name] == nil else {
                throw PyTorchFormatError.malformedZip(reason: "entry \(entry.name) appears twice")
            }
            byName[entry.name] = entries.count
            entries.append(entry)
        }
    }

    func entry(named name: String) -> Entry? {
        byName[name].map { entries[$0] }
    }

    /// The byte range of a stored entry's data, after checking its local header and CRC-32.
    func dataRange(of entry: Entry) throws -> Range<Int> {
        guard entry.method == 0 else {
            throw PyTorchFormatError.compressedZipEntry(name: entry.name, method: entry.method)
        }
        guard entry.flags & 1 == 0 else {
            throw PyTorchFormatError.malformedZip(reason: "entry \(entry.name) is encrypted")
        }
        guard entry.compressedSize == entry.uncompressedSize else {
            throw PyTorchFormatError.malformedZip(reason: "stored entry \(entry.name) has different packed and unpacked sizes")
        }
        var r = PyTorchByteReader(bytes: bytes, offset: entry.localHeaderOffset, end: directoryOffset)
        guard entry.localHeaderOffset < directoryOffset, try r.uintLE(4) == Self.localSignature else {
            throw PyTorchFormatError.malformedZip(reason: "no local header for \(entry.name) at byte \(entry.localHeaderOffset)")
        }
        try r.skip(4)
        let method = Int(try r.uintLE(2))
        try r.skip(16)
        let nameLength = Int(try r.uintLE(2))
        let extraLength = Int(try r.uintLE(2))
        let name = try r.slice(nameLength)
        guard method == entry.method, name.elementsEqual(entry.name.utf8) else {
            throw PyTorchFormatError.malformedZip(reason: "local header of \(entry.name) disagrees with the central directory")
        }
        try r.skip(extraLength)
        let start = r.offset
        guard entry.compressedSize <= r.remaining else {
            throw PyTorchFormatError.truncated(offset: start, needed: entry.compressedSize, available: r.remaining)
        }
        let range = start..<(start + entry.compressedSize)
        guard bytes.withUnsafeBytes({ CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[range])) }) == entry.crc32 else {
            throw PyTorchFormatError.zipChecksumMismatch(name: entry.name)
        }
        return range
    }

    /// The offset of the end-of-central-directory record, which must end the file.
    private static func findEndRecord(_ bytes: [UInt8]) throws -> Int {
        let last = bytes.count - 22
        guard last >= 0 else { throw PyTorchFormatError.malformedZip(reason: "file too short for a zip archive") }
        for offset in stride(from: last, through: max(0, last - 0xFFFF), by: -1)
        where bytes[offset] == 0x50 && bytes[offset + 1] == 0x4B && bytes[offset + 2] == 5 && bytes[offset + 3] == 6 {
            let commentLength = Int(bytes[offset + 20]) | Int(bytes[offset + 21]) << 8
            if offset + 22 + commentLength == bytes.count { return offset }
        }
        throw PyTorchFormatError.malformedZip(reason: "no end-of-central-directory record (truncated file?)")
    }

    private static func readZip64End(_ bytes: [UInt8], endRecord: Int) throws -> (Int, Int, Int, Int) {
        var r = PyTorchByteReader(bytes: bytes, offset: endRecord - 20, end: endRecord)
        guard endRecord >= 20, try r.uintLE(4) == zip64LocatorSignature else {
            throw PyTorchFormatError.malformedZip(reason: "zip64 locator missing")
        }
        try r.skip(4)
        let recordOffset = try r.uintLE(8)
        guard let record = Int(exactly: recordOffset), record <= endRecord - 20 - 56 else {
            throw PyTorchFormatError.malformedZip(reason: "zip64 end record lies outside the file")
        }
        r = PyTorchByteReader(bytes: bytes, offset: record, end: endRecord - 20)
        guard try r.uintLE(4) == zip64EndSignature else {
            throw PyTorchFormatError.malformedZip(reason: "zip64 end record missing")
        }
        try r.skip(28)
        let values = try (0..<3).map { _ in try r.uintLE(8) }
        guard let count = Int(exactly: values[0]), let size = Int(exactly: values[1]),
              let offset = Int(exactly: values[2]) else {
            throw PyTorchFormatError.malformedZip(reason: "zip64 sizes out of range")
        }
        return (count, size, offset, record)
    }

    private static func readDirectoryEntry(_ r: inout PyTorchByteReader) throws -> Entry {
        guard try r.uintLE(4) == directorySignature else {
            throw PyTorchFormatError.malformedZip(reason: "bad central directory header at byte \(r.offset - 4)")
        }
        try r.skip(4)
        let flags = UInt16(try r.uintLE(2))
        let method = Int(try r.uintLE(2))
        try r.skip(4)
        let crc = UInt32(try r.uintLE(4))
        var compressed = try r.uintLE(4)
        var uncompressed = try r.uintLE(4)
        let nameLength = Int(try r.uintLE(2))
        let extraLength = Int(try r.uintLE(2))
        let commentLength = Int(try r.uintLE(2))
        try r.skip(8)
        var local = try r.uintLE(4)
        let name = String(decoding: try r.slice(nameLength), as: UTF8.self)
        var extra = PyTorchByteReader(bytes: r.bytes, offset: r.offset, end: r.offset + extraLength)
        try r.skip(extraLength + commentLength)
        while extra.remaining >= 4 {
            let id = try extra.uintLE(2)
            let length = Int(try extra.uintLE(2))
            var field = PyTorchByteReader(bytes: extra.bytes, offset: extra.offset, end: extra.offset + length)
            try extra.skip(length)
            guard id == 1 else { continue }
            if uncompressed == 0xFFFF_FFFF { uncompressed = try field.uintLE(8) }
            if compressed == 0xFFFF_FFFF { compressed = try field.uintLE(8) }
            if local == 0xFFFF_FFFF { local = try field.uintLE(8) }
        }
        guard let c = Int(exactly: compressed), let u = Int(exactly: uncompressed), let l = Int(exactly: local) else {
            throw PyTorchFormatError.malformedZip(reason: "entry \(name) has sizes out of range")
        }
        return Entry(name: name, flags: flags, method: method, crc32: crc,
                     compressedSize: c, uncompressedSize: u, localHeaderOffset: l)
    }
}
