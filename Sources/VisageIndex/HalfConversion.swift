/// IEEE 754 half-precision conversions on bit patterns (`UInt16`), portable to every platform
/// (Swift's `Float16` is missing on some) and written so that decoding vectorises.
enum HalfConversion {
    /// Rounds a float to the nearest half (ties to even); overflow gives ±infinity.
    static func half(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {  // infinity or NaN
            return sign | 0x7C00 | (mantissa != 0 ? 0x200 : 0)
        }
        let e = exponent - 127 + 15
        if e >= 0x1F { return sign | 0x7C00 }
        if e <= 0 {  // subnormal half or zero
            if e < -10 { return sign }
            let m = mantissa | 0x80_0000
            let shift = UInt32(14 - e)
            var h = m >> shift
            let rest = m & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if rest > halfway || (rest == halfway && h & 1 == 1) { h += 1 }
            return sign | UInt16(h)
        }
        var h = UInt32(e) << 10 | mantissa >> 13
        let rest = mantissa & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && h & 1 == 1) { h += 1 }  // may carry into the exponent: correct
        return sign | UInt16(h)
    }

    /// The float a half stands for (exact).
    @inline(__always)
    static func float(fromHalf h: UInt16) -> Float {
        let magnitude = UInt32(h & 0x7FFF) << 13
        // Scaling by 2^112 re-biases the exponent and turns subnormal halves into normal floats.
        var f = Float(bitPattern: magnitude) * Float(bitPattern: 0x7780_0000)
        if magnitude >= 0x0F80_0000 { f = Float(bitPattern: magnitude | 0x7F80_0000) }  // inf / NaN
        return Float(bitPattern: f.bitPattern | UInt32(h & 0x8000) << 16)
    }

    /// Decodes `count` finite halves into floats (the hot loop of float16 scans; the compiler
    /// vectorises it). Encoding clamps to the finite range, so infinities and NaNs (which
    /// this maps to huge finite values) occur only in damaged files.
    @inline(__always)
    static func decode(_ source: UnsafePointer<UInt16>, into destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count {
            let h = UInt32(source[i])
            let f = Float(bitPattern: (h & 0x7FFF) << 13) * Float(bitPattern: 0x7780_0000)
            destination[i] = Float(bitPattern: f.bitPattern | (h & 0x8000) << 16)
        }
    }
}

