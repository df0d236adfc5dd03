import Foundation

// The integer and float decoders shared by the single-value and bulk readers. They work on an
// unsafe buffer so the shape predictor's ~32 M varints decode in a tight loop.
extension DlibDeserializer {
    /// Decodes one dlib integer at `o` (advancing it), accepting at most `maxBytes` magnitude bytes.
    @inline(__always)
    static func decodeInt(_ p: UnsafeBufferPointer<UInt8>, _ o: inout Int, maxBytes: Int,
                          signed: Bool, _ what: String) throws -> Int64 {
        let start = o
        guard start < p.count else {
            throw DlibFormatError.truncated(offset: start, what: what, needed: 1, available: 0)
        }
        let control = p[start]
        let n = Int(control & 0x0F)
        guard control & 0x70 == 0, n >= 1, n <= maxBytes, signed || control & 0x80 == 0 else {
            throw DlibFormatError.badControlByte(offset: start, byte: control, what: what)
        }
        guard n < p.count - start else {
            throw DlibFormatError.truncated(offset: start, what: what, needed: n + 1, available: p.count - start)
        }
        var magnitude: UInt64 = 0
        var i = start + n
        while i > start {
            magnitude = magnitude << 8 | UInt64(p[i])
            i -= 1
        }
        o = start + n + 1
        if control & 0x80 != 0 {
            guard magnitude <= 1 << 63 else {
                throw DlibFormatError.valueOutOfRange(offset: start, what: what, value: Int64.min, allowed: Int64.min...Int64.max)
            }
            return magnitude == 1 << 63 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else {
            throw DlibFormatError.valueOutOfRange(offset: start, what: what, value: Int64.max, allowed: 0...Int64.max)
        }
        return Int64(magnitude)
    }

    /// Decodes one portable float at `o` into a `Float` as `ldexp((float)mantissa, exponent)`.
    @inline(__always)
    static func decodeFloat(_ p: UnsafeBufferPointer<UInt8>, _ o: inout Int, _ what: String) throws -> Float {
        let mantissa = try decodeInt(p, &o, maxBytes: 8, signed: true, what)
        let exponent = try decodeInt(p, &o, maxBytes: 2, signed: true, what)
        if exponent < 32000 {
            let m = Float(mantissa)
            if exponent >= -1022 && exponent <= 1023 {
                // m·2^e is exact in Double here; one rounding to Float, as ldexpf does.
                return Float(Double(m) * Double(bitPattern: UInt64(exponent + 1023) << 52))
            }
            return scalbn(m, Int(exponent))
        }
        switch exponent {
        case 32000: return .infinity
        case 32001: return -.infinity
        default: return .nan
        }
    }

    /// Reads `count` consecutive portable floats and appends them to `out`.
    /// - Parameters:
    ///   - count: the number of floats; the caller has checked it against the file size.
    ///   - out: the array to extend.
    ///   - what: the field's name, for error messages.
    public mutating func readFloats(count: Int, into out: inout [Float], _ what: String) throws {
        guard count > 0 else { return }
        // Every float takes at least 4 bytes (two 2-byte integers).
        guard count <= remaining / 4 else {
            throw overrunError(at: offset, what, count: Int64(count), bytesEach: 4)
        }
        let base = out.count
        out.append(contentsOf: repeatElement(0, count: count))
        var o = offset
        try bytes.withUnsafeBufferPointer { p in
            try out.withUnsafeMutableBufferPointer { dst in
                for i in base..<(base + count) {
                    dst[i] = try Self.decodeFloat(p, &o, what)
                }
            }
        }
        offset = o
    }
}
