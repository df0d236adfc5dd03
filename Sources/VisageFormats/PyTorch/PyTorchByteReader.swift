/// A bounds-checked cursor over a byte buffer: every read first checks the bytes that remain,
/// so a length field can never make the reader run past the end or allocate beyond it.
struct PyTorchByteReader {
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int
    /// One past the last readable byte.
    let end: Int

    /// - Parameters:
    ///   - bytes: the buffer.
    ///   - offset: where reading starts.
    ///   - end: one past the last byte that may be read; the buffer's end when nil.
    init(bytes: [UInt8], offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        let stop = min(end ?? bytes.count, bytes.count)
        self.end = stop
        self.offset = min(max(offset, 0), stop)
    }

    /// The bytes left to read.
    var remaining: Int { end - offset }

    /// Throws unless `count` more bytes are available.
    func require(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw PyTorchFormatError.truncated(offset: offset, needed: count, available: remaining)
        }
    }

    /// Converts a length read from the data to `Int`, treating impossible values as truncation.
    func length(_ value: UInt64) throws -> Int {
        guard let n = Int(exactly: value), n <= remaining else {
            throw PyTorchFormatError.truncated(
                offset: offset, needed: Int(clamping: value), available: remaining)
        }
        return n
    }

    mutating func skip(_ count: Int) throws {
        try require(count)
        offset += count
    }

    mutating func u8() throws -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// An unsigned little-endian integer of `width` bytes (1...8).
    mutating func uintLE(_ width: Int) throws -> UInt64 {
        try require(width)
        var value: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) {
            value = value << 8 | UInt64(bytes[offset + i])
        }
        offset += width
        return value
    }

    mutating func int32LE() throws -> Int32 {
        Int32(truncatingIfNeeded: try uintLE(4))
    }

    mutating func float64BE() throws -> Double {
        try require(8)
        var bits: UInt64 = 0
        for i in 0..<8 { bits = bits << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return Double(bitPattern: bits)
    }

    /// The next `count` bytes.
    mutating func slice(_ count: Int) throws -> ArraySlice<UInt8> {
        try require(count)
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// The bytes up to the next newline (which is consumed but not returned).
    mutating func line(maxLength: Int) throws -> ArraySlice<UInt8> {
        let limit = min(end, offset + maxLength + 1)
        var i = offset
        while i < limit, bytes[i] != 0x0A { i += 1 }
        guard i < limit else {
            if limit == end {
                throw PyTorchFormatError.truncated(offset: offset, needed: i - offset + 1, available: remaining)
            }
            throw PyTorchFormatError.malformedPickle(reason: "text line longer than \(maxLength) bytes", offset: offset)
        }
        defer { offset = i + 1 }
        return bytes[offset..<i]
    }
}
