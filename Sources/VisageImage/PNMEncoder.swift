extension Image {
    /// Encodes the image as binary Netpbm: `P5` (grey) or `P6` (RGB), maxval 255.
    ///
    /// The header is `P5\n<width> <height>\n255\n` (or `P6…`), the layout of the reference
    /// pixel files in shared/data.
    /// - Returns: the file's bytes.
    public func pnmData() -> [UInt8] {
        let header = Array("\(format == .gray ? "P5" : "P6")\n\(width) \(height)\n255\n".utf8)
        return header + pixels
    }
}
