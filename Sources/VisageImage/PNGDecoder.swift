import CSpng

/// Decodes PNG files with libspng: every bit depth and colour type, interlaced or not.
///
/// Grey and grey+alpha files decode to ``PixelFormat/gray``; RGB, RGBA and palette files to
/// ``PixelFormat/rgb``. Alpha is dropped (not composited), 16-bit samples keep their high byte,
/// and no gamma correction is applied — the same pixels Pillow gives for `convert("RGB")` /
/// `convert("L")` of 8-bit files.
enum PNGDecoder {
    static func decode(_ data: UnsafeBufferPointer<UInt8>, limits: DecodeLimits) throws -> Image {
        guard let ctx = spng_ctx_new(0) else { throw ImageError.corrupt("PNG: cannot create a libspng context") }
        defer { spng_ctx_free(ctx) }
        let sideLimit = UInt32(max(1, min(limits.maxPixels, Int(Int32.max))))
        spng_set_image_limits(ctx, sideLimit, sideLimit)
        spng_set_chunk_limits(ctx, max(0, limits.maxPNGChunkBytes), max(0, limits.maxPNGChunkCacheBytes))
        try check(spng_set_png_buffer(ctx, data.baseAddress, data.count), data)

        var ihdr = spng_ihdr()
        let rc = spng_get_ihdr(ctx, &ihdr)
        if rc == Int32(SPNG_EUSER_WIDTH.rawValue) || rc == Int32(SPNG_EUSER_HEIGHT.rawValue),
           let (w, h) = rawHeaderSize(data) {
            throw ImageError.tooLarge(width: w, height: h, limit: limits.maxPixels)
        }
        try check(rc, data)
        let width = Int(ihdr.width), height = Int(ihdr.height)
        try limits.check(width: width, height: height, format: "PNG")

        let colorType = Int32(ihdr.color_type)
        let grey = colorType == Int32(SPNG_COLOR_TYPE_GRAYSCALE.rawValue)
        let greyAlpha = colorType == Int32(SPNG_COLOR_TYPE_GRAYSCALE_ALPHA.rawValue)
        let pixels = width * height
        if grey && ihdr.bit_depth <= 8 {
            let out = try decodeDirect(ctx, data, count: pixels, fmt: SPNG_FMT_G8)
            return Image(width: width, height: height, format: .gray, pixels: out)
        }
        if grey || greyAlpha {
            // Native layout: G, GA, G16 or GA16 (16-bit samples in host byte order).
            let sixteen = ihdr.bit_depth == 16
            let stride = (greyAlpha ? 2 : 1) * (sixteen ? 2 : 1)
            let native = try decodeDirect(ctx, data, count: pixels * stride, fmt: SPNG_FMT_PNG)
            let out = [UInt8](unsafeUninitializedCapacity: pixels) { dst, initialized in
                native.withUnsafeBytes { raw in
                    if sixteen {
                        for i in 0..<pixels {
                            dst[i] = UInt8(raw.load(fromByteOffset: i * stride, as: UInt16.self) >> 8)
                        }
                    } else {
                        for i in 0..<pixels { dst[i] = raw[i * stride] }
                    }
                }
                initialized = pixels
            }
            return Image(width: width, height: height, format: .gray, pixels: out)
        }
        let out = try decodeDirect(ctx, data, count: pixels * 3, fmt: SPNG_FMT_RGB8)
        return Image(width: width, height: height, format: .rgb, pixels: out)
    }

    /// Decodes the image into a new buffer of exactly `count` bytes in libspng format `fmt`.
    private static func decodeDirect(_ ctx: OpaquePointer, _ data: UnsafeBufferPointer<UInt8>,
                                     count: Int, fmt: spng_format) throws -> [UInt8] {
        var expected = 0
        try check(spng_decoded_image_size(ctx, Int32(fmt.rawValue), &expected), data)
        guard expected == count else {
            throw ImageError.corrupt("PNG: libspng reports \(expected) bytes for an image of \(count)")
        }
        var rc: Int32 = 0
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            rc = spng_decode_image(ctx, buffer.baseAddress, count, Int32(fmt.rawValue), 0)
            initialized = count
        }
        try check(rc, data)
        // Read the chunks after the image data up to IEND, so a file cut after its last IDAT
        // is reported as truncated like any other cut file.
        try check(spng_decode_chunks(ctx), data)
        guard hasCompleteIEND(data) else {
            throw ImageError.truncated("PNG data stops inside its final IEND chunk (\(data.count) bytes)")
        }
        return out
    }

    /// Maps a libspng return code to an error; 0 passes.
    private static func check(_ rc: Int32, _ data: UnsafeBufferPointer<UInt8>) throws {
        guard rc != 0 else { return }
        let message = spng_strerror(rc).map { String(cString: $0) } ?? "libspng error \(rc)"
        let endOfData = rc == Int32(SPNG_EOF.rawValue) || rc == Int32(SPNG_EIDAT_TOO_SHORT.rawValue)
        if endOfData || isCut(data) && rc != Int32(SPNG_ESIGNATURE.rawValue) {
            throw ImageError.truncated("PNG data stops before the image is complete (\(message), \(data.count) bytes)")
        }
        throw ImageError.corrupt("PNG: \(message)")
    }

    /// Whether the file lacks its final IEND chunk, i.e. was cut off.
    private static func isCut(_ data: UnsafeBufferPointer<UInt8>) -> Bool { !hasCompleteIEND(data) }

    /// Whether the IEND chunk's type and CRC (`IEND AE 42 60 82`) appear, searching from the end
    /// (files may carry junk after IEND).
    private static func hasCompleteIEND(_ data: UnsafeBufferPointer<UInt8>) -> Bool {
        let iend: [UInt8] = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]
        guard data.count >= 8 + 12 else { return false }
        var end = data.count
        while end >= 16 {
            if data[end - 8] == 0x49, UnsafeBufferPointer(rebasing: data[(end - 8)..<end]).elementsEqual(iend) { return true }
            end -= 1
        }
        return false
    }

    /// Width and height straight from the IHDR bytes, for the error message when libspng's own
    /// per-side limit refused the file.
    private static func rawHeaderSize(_ data: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        guard data.count >= 24 else { return nil }
        func be32(_ at: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(data[at + $1]) } }
        return (be32(16), be32(20))
    }
}
