import Foundation

/// A bounded cursor over the bytes of a dlib-serialized file (dlib's `serialize.h` encoding).
///
/// dlib files have no header and are not self-describing: the caller reads the fields in the
/// order dlib wrote them. Every read checks the remaining length first and throws a
/// ``DlibFormatError`` naming the offset; nothing reads past the end or allocates more than the
/// rest of the file could hold.
///
/// Encodings (see the dlib formats spec, section 1):
/// - integers: a control byte `C` (`C & 0x0F` = byte count 1…8, bit `0x80` = negative) followed by
///   the magnitude little-endian;
/// - floating point: a signed integer mantissa and a signed ≤ 2-byte exponent, value = m·2^e;
/// - bool: ASCII `'0'`/`'1'`; strings: unsigned length + raw bytes.
public struct DlibDeserializer {
    /// The whole file; valid only inside ``withDeserializer(over:_:)``.
    let p: UnsafeBufferPointer<UInt8>
    /// The position of the next byte to read.
    public internal(set) var offset: Int

    private init(_ p: UnsafeBufferPointer<UInt8>) {
        self.p = p
        self.offset = 0
    }

    /// Runs `body` with a cursor at the start of `data` (which may be memory-mapped).
    ///
    /// The cursor points into `data`'s memory: it must not escape `body`.
    /// - Parameters:
    ///   - data: the complete file contents.
    ///   - body: reads the fields in order.
    public static func withDeserializer<R>(over data: Data, _ body: (inout DlibDeserializer) throws -> R) rethrows -> R {
        try data.withUnsafeBytes { raw in
            var d = DlibDeserializer(raw.bindMemory(to: UInt8.self))
            return try body(&d)
        }
    }

    /// Runs `body` with a cursor at the start of `bytes`; the cursor must not escape `body`.
    /// - Parameters:
    ///   - bytes: the complete file contents.
    ///   - body: reads the fields in order.
    public static func withDeserializer<R>(over bytes: [UInt8], _ body: (inout DlibDeserializer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { p in
            var d = DlibDeserializer(p)
            return try body(&d)
        }
    }

    /// The file size in bytes.
    public var count: Int { p.count }

    /// The number of bytes not read yet.
    public var remaining: Int { p.count - offset }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == p.count }

    /// Throws ``DlibFormatError/trailingBytes(offset:count:)`` unless every byte has been read.
    public func expectEnd() throws {
        if !isAtEnd { throw DlibFormatError.trailingBytes(offset: offset, count: remaining) }
    }

    /// Reads one raw byte (dlib's encoding of `char` and `uint8_t`).
    /// - Parameter what: the field's name, for error messages.
    public mutating func readByte(_ what: String) throws -> UInt8 {
        try require(1, what)
        defer { offset += 1 }
        return p[offset]
    }

    /// Reads a signed integer of up to 8 bytes.
    /// - Parameter what: the field's name, for error messages.
    /// - Throws: ``DlibFormatError`` when truncated or the control byte is invalid.
    public mutating func readSignedInt(_ what: String) throws -> Int64 {
        try Self.decodeInt(p, &offset, maxBytes: 8, signed: true, what)
    }

    /// Reads an unsigned integer of up to 8 bytes (a set sign bit is an error, as in dlib).
    /// - Parameter what: the field's name, for error messages.
    public mutating func readUnsignedInt(_ what: String) throws -> UInt64 {
        let start = offset
        let value = try Self.decodeInt(p, &offset, maxBytes: 8, signed: false, what)
        guard value >= 0 else {
            throw DlibFormatError.valueOutOfRange(offset: start, what: what, value: value, allowed: 0...Int64.max)
        }
        return UInt64(value)
    }

    /// Reads a signed integer and checks it lies in `range`.
    /// - Parameters:
    ///   - what: the field's name, for error messages.
    ///   - range: the values the caller accepts.
    public mutating func readInt(_ what: String, in range: ClosedRange<Int64>) throws -> Int {
        let start = offset
        let value = try readSignedInt(what)
        guard range.contains(value) else {
            throw DlibFormatError.valueOutOfRange(offset: start, what: what, value: value, allowed: range)
        }
        return Int(value)
    }

    /// Reads an unsigned integer and checks it lies in `range`.
    /// - Parameters:
    ///   - what: the field's name, for error messages.
    ///   - range: the values the caller accepts.
    public mutating func readUnsigned(_ what: String, in range: ClosedRange<Int64>) throws -> Int {
        let start = offset
        let value = try readUnsignedInt(what)
        guard value <= UInt64(Int64.max), range.contains(Int64(value)) else {
            throw DlibFormatError.valueOutOfRange(offset: start, what: what,
                                                  value: Int64(truncatingIfNeeded: value), allowed: range)
        }
        return Int(value)
    }

    /// Reads a version integer and checks it is one of `expected`.
    /// - Returns: the version found.
    public mutating func expectVersion(_ what: String, _ expected: [Int64]) throws -> Int64 {
        let start = offset
        let version = try readSignedInt(what)
        guard expected.contains(version) else {
            throw DlibFormatError.unexpectedVersion(offset: start, what: what, expected: expected, found: version)
        }
        return version
    }

    /// Reads a portable floating-point value (dlib's `float_details`) as a `Double`.
    /// - Parameter what: the field's name, for error messages.
    public mutating func readDouble(_ what: String) throws -> Double {
        let mantissa = try Self.decodeInt(p, &offset, maxBytes: 8, signed: true, what)
        let exponent = try Self.decodeInt(p, &offset, maxBytes: 2, signed: true, what)
        switch exponent {
        case ..<32000: return scalbn(Double(mantissa), Int(exponent))
        case 32000: return .infinity
        case 32001: return -.infinity
        default: return .nan
        }
    }

    /// Reads a portable floating-point value into a `Float`, rounding exactly as dlib does
    /// (`ldexp((float)mantissa, exponent)`).
    /// - Parameter what: the field's name, for error messages.
    public mutating func readFloat(_ what: String) throws -> Float {
        try Self.decodeFloat(p, &offset, what)
    }

    /// Reads a `bool` (`'1'` or `'0'`).
    /// - Parameter what: the field's name, for error messages.
    public mutating func readBool(_ what: String) throws -> Bool {
        let start = offset
        switch try readByte(what) {
        case 0x31: return true
        case 0x30: return false
        case let other: throw DlibFormatError.badBool(offset: start, byte: other, what: what)
        }
    }

    /// Reads a `std::string`: an unsigned length then raw bytes (decoded as UTF-8, lossily).
    /// - Parameters:
    ///   - what: the field's name, for error messages.
    ///   - maxLength: the longest string accepted.
    public mutating func readString(_ what: String, maxLength: Int = 1 << 20) throws -> String {
        let length = try readCount(what, elementBytes: 1)
        guard length <= maxLength else {
            throw DlibFormatError.sizeTooLarge(offset: offset, what: what, count: Int64(length), limit: Int64(maxLength))
        }
        defer { offset += length }
        return String(decoding: UnsafeBufferPointer(rebasing: p[offset..<(offset + length)]), as: UTF8.self)
    }

    /// Reads a record's version string and checks it is one of `allowed`.
    /// - Returns: the tag found.
    /// - Throws: ``DlibFormatError/unexpectedVersionTag(offset:expected:found:)`` otherwise.
    @discardableResult
    public mutating func expectTag(_ allowed: [String]) throws -> String {
        let start = offset
        let tag = try readString("version tag", maxLength: 256)
        guard allowed.contains(tag) else {
            throw DlibFormatError.unexpectedVersionTag(offset: start, expected: allowed, found: tag)
        }
        return tag
    }

    /// Reads an element count (unsigned) and checks that `count · elementBytes` more bytes exist,
    /// so a hostile count can never cause a large allocation.
    /// - Parameters:
    ///   - what: the container's name, for error messages.
    ///   - elementBytes: the fewest bytes one element can occupy.
    public mutating func readCount(_ what: String, elementBytes: Int) throws -> Int {
        let start = offset
        let count = try readUnsignedInt(what)
        let limit = remaining / max(elementBytes, 1)
        guard count <= UInt64(limit) else {
            throw overrunError(at: start, what, count: count > UInt64(Int64.max) ? Int64.max : Int64(count),
                               bytesEach: elementBytes)
        }
        return Int(count)
    }

    /// The error for `count` elements of `bytesEach` bytes that do not fit in the rest of the file:
    /// a plausible size is a truncated file, an absurd one a corrupt size field.
    func overrunError(at start: Int, _ what: String, count: Int64, bytesEach: Int) -> DlibFormatError {
        let limit = Int64(remaining / max(bytesEach, 1))
        if count >= 0 && count <= 1 << 31 {
            return .truncated(offset: start, what: what, needed: Int(count) * bytesEach, available: remaining)
        }
        return .sizeTooLarge(offset: start, what: what, count: count, limit: limit)
    }

    /// Throws ``DlibFormatError/truncated(offset:what:needed:available:)`` unless `count` bytes remain.
    func require(_ count: Int, _ what: String) throws {
        guard count <= remaining else {
            throw DlibFormatError.truncated(offset: offset, what: what, needed: count, available: remaining)
        }
    }
}
