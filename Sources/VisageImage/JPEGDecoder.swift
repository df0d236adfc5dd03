import CTurboJPEG

/// Decodes JPEG files with libjpeg-turbo's TurboJPEG API (return codes, no longjmp into Swift).
///
/// Decoding uses the library defaults: the accurate integer DCT (JDCT_ISLOW) and "fancy"
/// (smooth) chroma upsampling, so the pixels equal those of Pillow or OpenCV built on the same
/// libjpeg-turbo. Grey JPEGs decode to ``PixelFormat/gray``, everything else to
/// ``PixelFormat/rgb``; four-channel (CMYK/YCCK) files are converted the way Pillow does.
enum JPEGDecoder {
    /// The flags for every decompression: accurate DCT (the default, stated for clarity) and a
    /// cap of 500 scans so a hostile progressive file cannot spin for minutes.
    private static let flags = TJFLAG_ACCURATEDCT | TJFLAG_LIMITSCANS

    /// Decodes a whole JPEG file.
    /// - Returns: the stored (not yet oriented) image and the Exif orientation, if any.
    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: DecodeLimits) throws
        -> (image: Image, orientation: ExifOrientation?) {
        let segments = JPEGSegments.scan(data)
        guard let handle = tjInitDecompress() else {
            throw ImageError.corrupt("JPEG: cannot create a TurboJPEG decompressor")
        }
        defer { tjDestroy(handle) }
        guard let base = data.baseAddress else { throw ImageError.empty }
        let size = UInt(data.count)

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, base, size, &width, &height, &subsampling, &colorspace) != 0 {
            let message = errorMessage(handle)
            if segments.endedEarly || !segments.reachedScan && message.contains("no image") {
                throw ImageError.truncated("JPEG ends inside its headers (\(data.count) bytes)")
            }
            throw ImageError.corrupt("JPEG header: \(message)")
        }
        if (width <= 0 || height <= 0) && (segments.endedEarly || !segments.reachedScan) {
            throw ImageError.truncated("JPEG ends inside its headers (\(data.count) bytes)")
        }
        try limits.check(width: Int(width), height: Int(height), format: "JPEG")

        let fourChannel = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let format: PixelFormat = colorspace == Int32(TJCS_GRAY.rawValue) ? .gray : .rgb
        let pixelFormat: TJPF = fourChannel ? TJPF_CMYK : (format == .gray ? TJPF_GRAY : TJPF_RGB)
        let channels = fourChannel ? 4 : format.channels
        let count = Int(width) * Int(height) * channels

        var failure: ImageError?
        let samples = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            let rc = tjDecompress2(handle, base, size, buffer.baseAddress, width,
                                   width * Int32(channels), height, pixelFormat.rawValue, flags)
            initialized = count  // TurboJPEG writes every row, or fails before handing anything out
            if rc != 0 { failure = classify(handle, segments: segments) }
        }
        if let failure { throw failure }
        let pixels = fourChannel ? convertInvertedCMYK(samples) : samples
        let image = Image(width: Int(width), height: Int(height), format: format, pixels: pixels)
        return (image, segments.orientation)
    }

    /// Turns a failed `tjDecompress2` into an error, or `nil` for a harmless warning (such as
    /// extraneous bytes between markers, which other readers accept too).
    private static func classify(_ handle: tjhandle, segments: JPEGSegments) -> ImageError? {
        let message = errorMessage(handle)
        if message.contains("Premature end") || segments.endedEarly {
            return .truncated("JPEG data stops before the image is complete (\(message))")
        }
        if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) { return nil }
        return .corrupt("JPEG: \(message)")
    }

    private static func errorMessage(_ handle: tjhandle) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }

    /// CMYK to RGB as Pillow does it: the stored values are taken as Adobe-inverted ink, and
    /// `R = (255 - c) * (255 - k) / 255` with Pillow's rounding.
    private static func convertInvertedCMYK(_ cmyk: [UInt8]) -> [UInt8] {
        let n = cmyk.count / 4
        return [UInt8](unsafeUninitializedCapacity: n * 3) { out, initialized in
            cmyk.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let notK = Int(src[4 * i + 3])  // stored inverted: 255 - k
                    for c in 0..<3 {
                        let ink = 255 - Int(src[4 * i + c])
                        let t = ink * notK + 128
                        let v = notK - (((t >> 8) + t) >> 8)
                        out[3 * i + c] = UInt8(clamping: v)
                    }
                }
            }
            initialized = n * 3
        }
    }
}
