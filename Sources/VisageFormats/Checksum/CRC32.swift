// CRC-32 as in zlib's crc32() (IEEE 802.3 polynomial, reflected, initial and final XOR 0xFFFFFFFF).

/// The zlib / PNG / gzip CRC-32 checksum.
public enum CRC32 {
    /// Eight 256-entry tables for the reflected polynomial 0xEDB88320: table k gives the CRC of
    /// a byte followed by k zero bytes, so that eight bytes are folded in per step.
    private static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 {
                let previous = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (previous >> 8) ^ t[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// The CRC-32 of some bytes, equal to Python's `zlib.crc32(bytes)`.
    /// - Parameters:
    ///   - bytes: the message.
    ///   - previous: the checksum of the preceding bytes when computing it piecewise (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        var crc = ~previous
        tables.withUnsafeBufferPointer { t in
            var i = 0
            let n = bytes.count
            while n - i >= 8 {
                let lo = crc ^ (UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
                crc = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(bytes[i + 4])] ^ t[2 * 256 + Int(bytes[i + 5])]
                    ^ t[256 + Int(bytes[i + 6])] ^ t[Int(bytes[i + 7])]
                i += 8
            }
            while i < n {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(bytes[i])) & 0xFF)]
                i += 1
            }
        }
        return ~crc
    }

    /// The CRC-32 of some bytes, equal to Python's `zlib.crc32(bytes)`.
    /// - Parameters:
    ///   - bytes: the message.
    ///   - previous: the checksum of the preceding bytes when computing it piecewise (0 to start).
    public static func checksum(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: previous) }
    }

    /// The CRC-32 of a string's UTF-8 bytes (for ASCII names this is `zlib.crc32(name.encode('ascii'))`).
    /// - Parameter string: the text to checksum.
    public static func checksum(_ string: String) -> UInt32 {
        checksum(Array(string.utf8))
    }
}
