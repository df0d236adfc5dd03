/// The on-disk form of an index (format version 1, little-endian):
///
///     0    magic "VSGINDEX"                    8 bytes
///     8    version                             UInt32
///     12   precision (1 fp32, 2 fp16, 3 int8)  UInt32
///     16   dimension                           UInt64
///     24   count (rows)                        UInt64
///     32   next id                             Int64
///     40   checksum of each section            6 × UInt64
///     88   checksum of bytes 0..<88            UInt64
///     96   reserved, zero                      32 bytes
///     128  sections, each starting on a 64-byte boundary, zero padding between:
///          quantizer  (int8 only) dimension minimums then maximums, Float
///          vectors    count × dimension Float (always: scanned or re-ranked)
///          codes      count × dimension UInt16 (fp16) or UInt8 (int8); empty for fp32
///          norms      count Float (squared norms of the scanned representation)
///          labels     count Int64
///          ids        count Int64, strictly increasing, below next id
///
/// Every size follows from precision, dimension and count, and the file's length must equal
/// the sum, so a hostile header is rejected before anything is read. Section checksums are
/// verified on request (that reads the whole file); the header's always.
struct IndexFileLayout {
    static let magic: [UInt8] = Array("VSGINDEX".utf8)
    static let version: UInt32 = 1
    static let headerSize = 128
    static let alignment = 64

    /// The sections, in file order.
    enum Section: Int, CaseIterable {
        case quantizer, vectors, codes, norms, labels, ids

        var name: String { String(describing: self) }
    }

    let precision: VectorPrecision
    let dimension: Int
    let count: Int
    /// Byte offset and length of each section.
    let ranges: [(offset: Int, length: Int)]
    /// The file's total length.
    let fileLength: Int

    /// Lays out a file; `nil` when a size overflows `Int`.
    init?(precision: VectorPrecision, dimension: Int, count: Int) {
        self.precision = precision
        self.dimension = dimension
        self.count = count
        let (components, o1) = dimension.multipliedReportingOverflow(by: count)
        guard !o1, dimension > 0, count >= 0 else { return nil }
        func bytes(_ n: Int, _ size: Int) -> Int? {
            let (b, o) = n.multipliedReportingOverflow(by: size)
            return o ? nil : b
        }
        let codeSize: Int = precision == .float32 ? 0 : precision.bytesPerComponent
        let quantizerFloats: Int = precision == .int8 ? 2 * dimension : 0
        let lengths: [Int?] = [bytes(quantizerFloats, 4), bytes(components, 4), bytes(components, codeSize),
                               bytes(count, 4), bytes(count, 8), bytes(count, 8)]
        guard lengths.allSatisfy({ $0 != nil }) else { return nil }
        var offset = Self.headerSize
        var ranges: [(offset: Int, length: Int)] = []
        for case let length? in lengths {
            ranges.append((offset: offset, length: length))
            let (end, o) = offset.addingReportingOverflow(length)
            guard !o, end <= Int.max - Self.alignment else { return nil }
            offset = (end + Self.alignment - 1) / Self.alignment * Self.alignment
        }
        self.ranges = ranges
        let last = ranges[ranges.count - 1]
        fileLength = last.offset + last.length
    }

    /// The header's fields.
    struct Header {
        var precision: VectorPrecision
        var dimension: Int
        var count: Int
        var nextID: Int64
        var checksums: [UInt64]
    }

    /// Serialises a header (with its own checksum).
    static func encode(_ h: Header) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: headerSize)
        func put<T: FixedWidthInteger>(_ v: T, at offset: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (i, b) in $0.enumerated() { out[offset + i] = b } }
        }
        out.replaceSubrange(0..<8, with: magic)
        put(version, at: 8)
        put(UInt32(h.precision.rawValue), at: 12)
        put(UInt64(h.dimension), at: 16)
        put(UInt64(h.count), at: 24)
        put(h.nextID, at: 32)
        for (i, c) in h.checksums.enumerated() { put(c, at: 40 + 8 * i) }
        put(out.withUnsafeBytes { Checksum64.of(UnsafeRawBufferPointer(rebasing: $0[0..<88])) }, at: 88)
        return out
    }

    /// Reads and validates a header against the file's length.
    /// - Throws: ``VectorIndexError`` naming what is wrong.
    static func decode(_ bytes: UnsafeRawBufferPointer, fileLength: Int, path: String) throws -> (Header, IndexFileLayout) {
        func get<T: FixedWidthInteger>(_: T.Type, _ offset: Int) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        func corrupt(_ reason: String) -> VectorIndexError { .corruptFile(path: path, reason: reason) }
        guard bytes.count >= headerSize, Array(bytes[0..<8]) == magic else { throw VectorIndexError.notAnIndex(path: path) }
        let version = get(UInt32.self, 8)
        guard version == Self.version else { throw VectorIndexError.unsupportedVersion(path: path, version: version) }
        guard let precision = VectorPrecision(rawValue: Int(get(UInt32.self, 12))) else {
            throw corrupt("unknown precision code \(get(UInt32.self, 12))")
        }
        let dimension = get(UInt64.self, 16), count = get(UInt64.self, 24)
        guard dimension >= 1, dimension <= UInt64(VectorIndex.maximumDimension) else {
            throw corrupt("dimension \(dimension) is outside 1...\(VectorIndex.maximumDimension)")
        }
        guard count <= UInt64(VectorIndex.maximumCount) else { throw corrupt("row count \(count) is above the limit") }
        guard let layout = IndexFileLayout(precision: precision, dimension: Int(dimension), count: Int(count)),
              layout.fileLength == fileLength else {
            throw corrupt("the header describes \(count) rows of dimension \(dimension) but the file is \(fileLength) bytes")
        }
        let stored = get(UInt64.self, 88)
        guard Checksum64.of(UnsafeRawBufferPointer(rebasing: bytes[0..<88])) == stored else {
            throw VectorIndexError.checksumMismatch(path: path, section: "header")
        }
        let nextID = get(Int64.self, 32)
        guard nextID >= 0 else { throw corrupt("negative next id \(nextID)") }
        let checksums = (0..<Section.allCases.count).map { get(UInt64.self, 40 + 8 * $0) }
        let header = Header(precision: precision, dimension: Int(dimension), count: Int(count),
                            nextID: nextID, checksums: checksums)
        return (header, layout)
    }
}
