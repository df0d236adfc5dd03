import VisageFormats

/// Lower-case hex SHA-256 of some bytes (the gallery's `image_sha256`).
/// - Parameter bytes: the encoded image file.
public func imageSHA256(_ bytes: [UInt8]) -> String {
    let digest = bytes.withUnsafeBytes { SHA256.hash($0) }
    let hex: [Character] = Array("0123456789abcdef")
    var out = ""
    out.reserveCapacity(64)
    for b in digest {
        out.append(hex[Int(b >> 4)])
        out.append(hex[Int(b & 15)])
    }
    return out
}
