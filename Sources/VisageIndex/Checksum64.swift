/// A fast streaming 64-bit checksum of byte sections (four independent multiply-rotate lanes
/// over 32-byte stripes). It detects damage; it is not a cryptographic hash.
struct Checksum64 {
    private static let p1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let p3: UInt64 = 0x1656_67B1_9E37_79F9

    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (p1 &+ p2, p2, 0, 0 &- p1)
    private var pending = [UInt8]()
    private var length: UInt64 = 0

    @inline(__always)
    private static func round(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let s = state &+ word &* p2
        return ((s << 31) | (s >> 33)) &* p1
    }

    /// Adds bytes.
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = Swift.min(32 - pending.count, bytes.count)
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            offset = take
            if pending.count < 32 { return }
            pending.withUnsafeBytes { stripes($0.baseAddress!, 1) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = (bytes.count - offset) / 32
        stripes(base + offset, whole)
        offset += whole * 32
        if offset < bytes.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: bytes.count - offset))
        }
    }

    private mutating func stripes(_ p: UnsafeRawPointer, _ n: Int) {
        var (a, b, c, d) = lanes
        for i in 0..<n {
            let s = p + i * 32
            a = Self.round(a, UInt64(littleEndian: s.loadUnaligned(as: UInt64.self)))
            b = Self.round(b, UInt64(littleEndian: s.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            c = Self.round(c, UInt64(littleEndian: s.loadUnaligned(fromByteOffset: 16, as: UInt64.self)))
            d = Self.round(d, UInt64(littleEndian: s.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        }
        lanes = (a, b, c, d)
    }

    /// The checksum of everything added.
    var value: UInt64 {
        let (a, b, c, d) = lanes
        var h = ((a << 1) | (a >> 63)) &+ ((b << 7) | (b >> 57)) &+ ((c << 12) | (c >> 52)) &+ ((d << 18) | (d >> 46))
        h = (h ^ length) &* Self.p1
        for byte in pending { h = ((h ^ UInt64(byte)) &* Self.p3) }
        h ^= h >> 33
        h = h &* Self.p2
        h ^= h >> 29
        return h
    }

    /// The checksum of one buffer.
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var c = Checksum64()
        c.update(bytes)
        return c.value
    }
}
