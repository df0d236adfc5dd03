/// Reads the tokens of a Netpbm header: decimal numbers separated by white space, with `#`
/// comments running to the end of the line.
struct PNMHeaderScanner {
    let data: UnsafeBufferPointer<UInt8>
    var position: Int

    /// Whether a byte is Netpbm white space (space, tab, CR, LF, VT, FF).
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// Skips white space and comments.
    mutating func skipSpace() {
        while position < data.count {
            let byte = data[position]
            if Self.isSpace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "#") {
                while position < data.count, data[position] != 0x0A, data[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// Reads the next unsigned decimal number, at most `limit`.
    /// - Throws: ``ImageError/truncated(_:)`` at the end of the data, ``ImageError/corrupt(_:)``
    ///   for anything that is not a digit or a number above `limit`.
    mutating func number(_ what: @autoclosure () -> String, limit: Int) throws -> Int {
        skipSpace()
        guard position < data.count else { throw ImageError.truncated("PNM data ends before its \(what())") }
        var value = 0
        var digits = 0
        while position < data.count, data[position] >= 0x30, data[position] <= 0x39 {
            value = value * 10 + Int(data[position] - 0x30)
            guard value <= limit else { throw ImageError.corrupt("PNM \(what()) is larger than \(limit)") }
            position += 1
            digits += 1
        }
        guard digits > 0 else {
            throw ImageError.corrupt("PNM \(what()) expected at byte \(position), found 0x\(String(data[position], radix: 16))")
        }
        return value
    }
}

/// Decodes Netpbm grey maps and pixel maps: `P2`/`P5` (grey) and `P3`/`P6` (RGB), plain (ASCII)
/// or raw (binary), with any maxval from 1 to 65535. Samples are scaled to 0…255 with rounding
/// when maxval is not 255; raw 16-bit samples are big-endian as the format prescribes.
enum PNMDecoder {
    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: DecodeLimits) throws -> Image {
        guard data.count >= 3 else { throw ImageError.truncated("PNM data ends inside its magic number") }
        let kind = data[1]
        let format: PixelFormat = (kind == UInt8(ascii: "2") || kind == UInt8(ascii: "5")) ? .gray : .rgb
        let plain = kind == UInt8(ascii: "2") || kind == UInt8(ascii: "3")
        var scanner = PNMHeaderScanner(data: data, position: 2)
        let width = try scanner.number("width", limit: Int(Int32.max))
        let height = try scanner.number("height", limit: Int(Int32.max))
        let maxval = try scanner.number("maxval", limit: 65535)
        guard maxval >= 1 else { throw ImageError.corrupt("PNM maxval is 0") }
        try limits.check(width: width, height: height, format: "PNM")
        let count = width * height * format.channels

        let table = scaleTable(maxval: maxval)
        let pixels: [UInt8]
        if plain {
            pixels = try decodePlain(&scanner, count: count, maxval: maxval, table: table)
        } else {
            guard scanner.position < data.count, PNMHeaderScanner.isSpace(data[scanner.position]) else {
                throw ImageError.truncated("PNM data ends before its raster")
            }
            let start = scanner.position + 1
            let bytesPerSample = maxval > 255 ? 2 : 1
            guard data.count - start >= count * bytesPerSample else {
                throw ImageError.truncated("PNM raster needs \(count * bytesPerSample) bytes, the file has \(data.count - start)")
            }
            pixels = try decodeRaw(UnsafeBufferPointer(rebasing: data[start...]), count: count,
                                   maxval: maxval, table: table)
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    /// value → 0…255 for every value up to maxval, rounding to nearest.
    private static func scaleTable(maxval: Int) -> [UInt8] {
        (0...maxval).map { UInt8(($0 * 255 + maxval / 2) / maxval) }
    }

    private static func decodeRaw(_ raster: UnsafeBufferPointer<UInt8>, count: Int, maxval: Int,
                                  table: [UInt8]) throws -> [UInt8] {
        if maxval == 255 { return Array(raster.prefix(count)) }
        var bad = false
        let out = [UInt8](unsafeUninitializedCapacity: count) { dst, initialized in
            table.withUnsafeBufferPointer { lut in
                if maxval > 255 {
                    for i in 0..<count {
                        let v = Int(raster[2 * i]) << 8 | Int(raster[2 * i + 1])
                        if v > maxval { bad = true; dst[i] = 255 } else { dst[i] = lut[v] }
                    }
                } else {
                    for i in 0..<count {
                        let v = Int(raster[i])
                        if v > maxval { bad = true; dst[i] = 255 } else { dst[i] = lut[v] }
                    }
                }
            }
            initialized = count
        }
        if bad { throw ImageError.corrupt("PNM sample larger than maxval \(maxval)") }
        return out
    }

    private static func decodePlain(_ scanner: inout PNMHeaderScanner, count: Int, maxval: Int,
                                    table: [UInt8]) throws -> [UInt8] {
        // Every sample takes at least one byte: refuse before allocating for a short file.
        guard scanner.data.count - scanner.position >= count else {
            throw ImageError.truncated("plain PNM needs \(count) samples, the file has \(scanner.data.count - scanner.position) bytes left")
        }
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            out[i] = table[try scanner.number("sample \(i)", limit: maxval)]
        }
        return out
    }
}
