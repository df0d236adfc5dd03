import Foundation

/// Parses comma-separated decimal numbers into Floats the way `numpy.genfromtxt` followed by
/// `astype(float32)` does: each value is rounded to the nearest Double, then to the nearest Float.
///
/// Values are separated by commas or line breaks (LF or CRLF); spaces and tabs around values are
/// ignored, blank lines are skipped. Only plain decimal syntax is accepted (`-1.5`, `2e-06`,
/// `.5`); `nan`, `inf` and hex floats are malformed.
struct CSVFloatParser {
    let file: String
    let expectedCount: Int

    /// Exact powers of ten for the fast path: 10^k is exactly representable for k ≤ 22.
    private static let powersOfTen: [Double] = (0...22).map { k in
        var value = 1.0
        for _ in 0..<k { value *= 10 }
        return value
    }

    func parse(_ bytes: UnsafeRawBufferPointer) throws -> [Float] {
        var values = [Float](repeating: 0, count: expectedCount)
        var count = 0
        let n = bytes.count
        try values.withUnsafeMutableBufferPointer { out in
            try Self.powersOfTen.withUnsafeBufferPointer { pow10 in
                let p = bytes.bindMemory(to: UInt8.self)
                var i = 0
                var expectValue = false  // true right after a comma
                while true {
                    while i < n, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D {
                        if p[i] == 0x0A || p[i] == 0x0D, expectValue { throw malformed(p, at: i, index: count) }
                        i += 1
                    }
                    if i >= n {
                        if expectValue { throw malformed(p, at: i, index: count) }
                        break
                    }
                    let start = i
                    let value = try number(p, &i, index: count, pow10: pow10)
                    if count < out.count { out[count] = value }
                    count += 1
                    while i < n, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
                    if i < n {
                        switch p[i] {
                        case 0x2C: expectValue = true; i += 1
                        case 0x0A, 0x0D: expectValue = false
                        default: throw malformed(p, at: start, index: count - 1)
                        }
                    } else {
                        expectValue = false
                    }
                }
            }
        }
        guard count == expectedCount else {
            throw OpenFaceFormatError.wrongCount(file: file, expected: expectedCount, found: count)
        }
        return values
    }

    /// Scans one number starting at `i`, leaving `i` just past it.
    @inline(__always)
    private func number(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, index: Int,
                        pow10: UnsafeBufferPointer<Double>) throws -> Float {
        let n = p.count
        let start = i
        var negative = false
        if p[i] == 0x2D || p[i] == 0x2B { negative = p[i] == 0x2D; i += 1 }
        // All digits go into `mantissa`; with more than 19 it may wrap, and the slow path is used.
        var mantissa: UInt64 = 0
        var digitCount = Self.digits(p, &i, into: &mantissa)
        var exponent = 0
        if i < n, p[i] == 0x2E {
            i += 1
            let fractionDigits = Self.digits(p, &i, into: &mantissa)
            digitCount += fractionDigits
            exponent = -fractionDigits
        }
        guard digitCount > 0 else { throw malformed(p, at: start, index: index) }
        if i < n, p[i] | 0x20 == 0x65 {  // 'e' or 'E'
            i += 1
            var exponentNegative = false
            if i < n, p[i] == 0x2D || p[i] == 0x2B { exponentNegative = p[i] == 0x2D; i += 1 }
            let exponentStart = i
            var e = 0
            while i < n {
                let digit = p[i] &- 0x30
                if digit > 9 { break }
                e = min(e &* 10 &+ Int(digit), 1_000_000)
                i += 1
            }
            guard i > exponentStart else { throw malformed(p, at: start, index: index) }
            exponent += exponentNegative ? -e : e
        }
        var double: Double
        if digitCount <= 19, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            // Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
            double = exponent < 0 ? Double(mantissa) / pow10[-exponent] : Double(mantissa) * pow10[exponent]
            if negative { double = -double }
        } else {
            double = slowPath(p, from: start, to: i)
        }
        let value = Float(double)
        guard value.isFinite else {
            throw OpenFaceFormatError.nonFiniteValue(file: file, index: index, text: text(p, from: start, to: i))
        }
        return value
    }

    /// Appends the decimal digits at `i` to `mantissa` (wrapping), returning how many there were.
    @inline(__always)
    private static func digits(_ p: UnsafeBufferPointer<UInt8>, _ i: inout Int, into mantissa: inout UInt64) -> Int {
        let start = i
        while i < p.count {
            let digit = p[i] &- 0x30
            if digit > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(digit)
            i += 1
        }
        return i - start
    }

    /// Correctly rounded conversion of an already validated token through the C library.
    private func slowPath(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Double {
        var token = Array(p[start..<end])
        token.append(0)
        return token.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { strtod($0.baseAddress!, nil) }
        }
    }

    private func text(_ p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> String {
        String(decoding: p[start..<min(end, start + 32)], as: UTF8.self)
    }

    private func malformed(_ p: UnsafeBufferPointer<UInt8>, at start: Int, index: Int) -> OpenFaceFormatError {
        var end = start
        while end < p.count, end < start + 32, p[end] != 0x2C, p[end] != 0x0A, p[end] != 0x0D { end += 1 }
        return .malformedNumber(file: file, index: index, byteOffset: start, text: text(p, from: start, to: end))
    }
}
