// CRC-32 as in zlib's crc32() (IEEE 802.3 polynomial, reflected, initial and final XOR 0xFFFFFFFF).

/// The zlib / PNG / gzip CRC-32 checksum.
public enum CRC32 {
    /// The byte-wise lookup table for the reflected polynomial 0xEDB88320.
    private static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of some bytes, equal to Python's `zlib.crc32(bytes)`.
    /// - Parameters:
    ///   - bytes: the message.
    ///   - previous: the checksum of the preceding bytes when computing it piecewise (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        var crc = ~previous
        table.withUnsafeBufferPointer { t in
            for byte in bytes {
                crc = t[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
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
