extension Image {
    /// The byte count of a `width`×`height` image in `format`, or an error when the size is
    /// negative or its byte count overflows (for sizes computed from untrusted numbers).
    /// - Parameters:
    ///   - width: the width in pixels.
    ///   - height: the height in pixels.
    ///   - format: the channel layout.
    /// - Returns: `width * height * format.channels`.
    /// - Throws: ``ImageError/invalidArgument(_:)``.
    public static func byteCount(width: Int, height: Int, format: PixelFormat) throws -> Int {
        guard width >= 0, height >= 0 else {
            throw ImageError.invalidArgument("image size \(width)x\(height) is negative")
        }
        let (pixels, o1) = width.multipliedReportingOverflow(by: height)
        let (bytes, o2) = pixels.multipliedReportingOverflow(by: format.channels)
        guard !o1, !o2 else { throw ImageError.invalidArgument("image size \(width)x\(height) is too large") }
        return bytes
    }
}
