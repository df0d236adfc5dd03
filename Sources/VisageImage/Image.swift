/// The pixel layout of an ``Image``.
public enum PixelFormat: Int, Sendable, Equatable, CaseIterable {
    /// One 8-bit intensity channel.
    case gray = 1
    /// Three interleaved 8-bit channels in R, G, B order.
    case rgb = 3

    /// The number of interleaved channels.
    public var channels: Int { rawValue }
}

/// An 8-bit image in memory: rows top to bottom, pixels left to right, channels interleaved.
///
/// Every decoder in Visage returns an upright image (EXIF orientation already applied).
public struct Image: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The channel layout.
    public let format: PixelFormat
    /// Row-major interleaved samples; `pixels.count == width * height * format.channels`.
    public var pixels: [UInt8]

    /// Creates an image from its samples.
    /// - Parameters:
    ///   - width: width in pixels (≥ 0).
    ///   - height: height in pixels (≥ 0).
    ///   - format: the channel layout.
    ///   - pixels: `width * height * format.channels` interleaved samples.
    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * format.channels,
                     "pixel buffer of \(pixels.count) bytes for \(width)x\(height) \(format)")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// Creates an image filled with one value in every channel.
    public init(width: Int, height: Int, format: PixelFormat, fill: UInt8 = 0) {
        self.init(width: width, height: height, format: format,
                  pixels: [UInt8](repeating: fill, count: width * height * format.channels))
    }

    /// The number of interleaved channels.
    @inlinable public var channels: Int { format.channels }
}
