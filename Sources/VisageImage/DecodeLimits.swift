/// Bounds a decoder enforces before it allocates anything, so hostile files cannot exhaust memory.
public struct DecodeLimits: Sendable, Equatable {
    /// The largest `width * height` accepted. Checked against the header, before decoding.
    public var maxPixels: Int
    /// The largest file (or buffer) accepted, in bytes.
    public var maxFileBytes: Int
    /// The largest single PNG chunk accepted, in bytes (libspng's chunk size limit).
    public var maxPNGChunkBytes: Int
    /// The most memory libspng may spend on cached ancillary chunks (text, ICC profiles), in bytes.
    public var maxPNGChunkCacheBytes: Int

    /// Creates limits.
    /// - Parameters:
    ///   - maxPixels: the largest `width * height` accepted (100 million by default).
    ///   - maxFileBytes: the largest input accepted in bytes (1 GiB by default).
    ///   - maxPNGChunkBytes: the largest PNG chunk accepted (64 MiB by default).
    ///   - maxPNGChunkCacheBytes: the ancillary-chunk memory budget for PNG (64 MiB by default).
    public init(maxPixels: Int = 100_000_000, maxFileBytes: Int = 1 << 30,
                maxPNGChunkBytes: Int = 64 << 20, maxPNGChunkCacheBytes: Int = 64 << 20) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
        self.maxPNGChunkBytes = maxPNGChunkBytes
        self.maxPNGChunkCacheBytes = maxPNGChunkCacheBytes
    }

    /// The default limits: 100 million pixels, 1 GiB files.
    public static let `default` = DecodeLimits()

    /// Throws ``ImageError/tooLarge(width:height:limit:)`` when `width * height` exceeds ``maxPixels``
    /// (or overflows), and ``ImageError/corrupt(_:)`` for a zero or negative dimension.
    /// - Parameters:
    ///   - width: the width from a file header.
    ///   - height: the height from a file header.
    ///   - format: the format's name, for the error message.
    public func check(width: Int, height: Int, format: String) throws {
        guard width > 0, height > 0 else {
            throw ImageError.corrupt("\(format) header gives an empty size \(width)x\(height)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        // Decoders may need 8 bytes per pixel (16-bit grey + alpha): that must not overflow either.
        if overflow || pixels > maxPixels || pixels > Int.max / 8 {
            throw ImageError.tooLarge(width: width, height: height, limit: maxPixels)
        }
    }
}
