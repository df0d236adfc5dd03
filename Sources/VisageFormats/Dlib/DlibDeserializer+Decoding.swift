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
        return makeFloat(mantissa, exponent)
    }

    /// `ldexp((float)mantissa, exponent)` with dlib's special exponents for ±∞ and NaN.
    @inline(__always)
    static func makeFloat(_ mantissa: Int64, _ exponent: Int64) -> Float {
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

    /// Decodes one well-formed float at `o` without per-byte bounds checks; the caller guarantees
    /// at least 16 readable bytes from `o`. Returns nil, leaving `o` unchanged, for anything
    /// unusual so the checked path can report it.
    ///
    /// Both integers are extracted from two 8-byte loads, so the loop-carried dependency per
    /// float is one load plus a few shifts (the 68-point model has 16 M floats).
    @inline(__always)
    static func decodeFloatFast(_ base: UnsafeRawPointer, _ o: inout Int) -> Float? {
        let w0 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: o, as: UInt64.self))
        let w1 = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self))
        let control = UInt8(truncatingIfNeeded: w0)
        let n = Int(control & 0x0F)
        guard control & 0x70 == 0, n >= 1, n <= 8 else { return nil }
        let mantissaBytes = (w0 &>> 8) | (w1 &<< 56)
        let magnitude = n == 8 ? mantissaBytes : mantissaBytes & ((1 &<< UInt64(8 * n)) &- 1)
        guard magnitude <= UInt64(Int64.max) else { return nil }
        let mantissa = control & 0x80 != 0 ? -Int64(magnitude) : Int64(magnitude)
        // The exponent starts at byte n + 1 (2…9) of the 16 loaded bytes.
        let e = n + 1
        let rest = e < 8 ? (w0 &>> UInt64(8 * e)) | (w1 &<< UInt64(64 - 8 * e)) : w1 &>> UInt64(8 * (e - 8))
        let eControl = UInt8(truncatingIfNeeded: rest)
        let en = Int(eControl & 0x0F)
        guard eControl & 0x70 == 0, en >= 1, en <= 2 else { return nil }
        let eMagnitude = Int64((rest &>> 8) & (en == 2 ? 0xFFFF : 0xFF))
        o += e + 1 + en
        return makeFloat(mantissa, eControl & 0x80 != 0 ? -eMagnitude : eMagnitude)
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
        let p = self.p
        guard let raw = p.baseAddress.map(UnsafeRawPointer.init) else { return }
        let fastLimit = p.count - 16
        let start = offset
        offset = try out.withUnsafeMutableBufferPointer { dst in
            var o = start
            for i in base..<(base + count) {
                if o <= fastLimit, let value = Self.decodeFloatFast(raw, &o) {
                    dst[i] = value
                } else {
                    dst[i] = try Self.decodeFloat(p, &o, what)
                }
            }
            return o
        }
    }
}
