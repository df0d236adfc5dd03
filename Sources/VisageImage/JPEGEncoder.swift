import CTurboJPEG

/// Chroma subsampling for JPEG encoding (ignored for grey images, which have no chroma).
public enum JPEGSubsampling: Sendable, Equatable, CaseIterable {
    /// Full-resolution chroma (best quality, largest files).
    case none444
    /// Chroma halved horizontally.
    case horizontal422
    /// Chroma halved in both directions (the usual camera and Pillow default).
    case both420
    /// Chroma halved vertically (the layout of most course images).
    case vertical440

    var turbo: TJSAMP {
        switch self {
        case .none444: return TJSAMP_444
        case .horizontal422: return TJSAMP_422
        case .both420: return TJSAMP_420
        case .vertical440: return TJSAMP_440
        }
    }
}

/// Settings for JPEG encoding.
public struct JPEGEncodeOptions: Sendable, Equatable {
    /// Quality from 1 (smallest) to 100 (best).
    public var quality: Int
    /// Chroma subsampling for colour images.
    public var subsampling: JPEGSubsampling
    /// Write a progressive JPEG instead of a baseline one.
    public var progressive: Bool

    /// Creates settings.
    /// - Parameters:
    ///   - quality: 1…100, 95 by default.
    ///   - subsampling: 4:2:0 by default.
    ///   - progressive: baseline (`false`) by default.
    public init(quality: Int = 95, subsampling: JPEGSubsampling = .both420, progressive: Bool = false) {
        self.quality = quality
        self.subsampling = subsampling
        self.progressive = progressive
    }
}

extension Image {
    /// Encodes the image as a JPEG with libjpeg-turbo (accurate DCT).
    /// - Parameter options: quality, subsampling and progressive mode.
    /// - Returns: the file's bytes (JFIF, no Exif block).
    /// - Throws: ``ImageError/invalidArgument(_:)`` for an empty image or a quality outside
    ///   1…100, ``ImageError/encodingFailed(_:)`` when libjpeg-turbo fails.
    public func jpegData(_ options: JPEGEncodeOptions = JPEGEncodeOptions()) throws -> [UInt8] {
        guard width > 0, height > 0, width <= 65_500, height <= 65_500 else {
            throw ImageError.invalidArgument("cannot encode a \(width)x\(height) image as JPEG (1…65500 per side)")
        }
        guard (1...100).contains(options.quality) else {
            throw ImageError.invalidArgument("JPEG quality \(options.quality) is not in 1...100")
        }
        guard let handle = tjInitCompress() else { throw ImageError.encodingFailed("cannot create a TurboJPEG compressor") }
        defer { tjDestroy(handle) }
        let pixelFormat = format == .gray ? TJPF_GRAY : TJPF_RGB
        let subsampling = format == .gray ? TJSAMP_GRAY : options.subsampling.turbo
        var flags = TJFLAG_ACCURATEDCT
        if options.progressive { flags |= TJFLAG_PROGRESSIVE }
        var output: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        defer { if let output { tjFree(output) } }
        let rc = pixels.withUnsafeBufferPointer { src in
            tjCompress2(handle, src.baseAddress, Int32(width), Int32(width * channels), Int32(height),
                        pixelFormat.rawValue, &output, &size, Int32(subsampling.rawValue), Int32(options.quality), flags)
        }
        guard rc == 0, let output else {
            let message = tjGetErrorStr2(handle).map { String(cString: $0) } ?? "unknown error"
            throw ImageError.encodingFailed("JPEG: \(message)")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
