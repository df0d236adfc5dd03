import CSpng
import Glibc

extension Image {
    /// Encodes the image as an 8-bit PNG (grey or RGB) with libspng.
    /// - Parameter compressionLevel: zlib level from 0 (store) to 9 (smallest); 6 by default.
    /// - Returns: the file's bytes.
    /// - Throws: ``ImageError/invalidArgument(_:)`` for an empty image or a bad level,
    ///   ``ImageError/encodingFailed(_:)`` when libspng fails.
    public func pngData(compressionLevel: Int = 6) throws -> [UInt8] {
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw ImageError.invalidArgument("cannot encode a \(width)x\(height) image as PNG")
        }
        guard (0...9).contains(compressionLevel) else {
            throw ImageError.invalidArgument("PNG compression level \(compressionLevel) is not in 0...9")
        }
        guard let ctx = spng_ctx_new(Int32(SPNG_CTX_ENCODER.rawValue)) else {
            throw ImageError.encodingFailed("cannot create a libspng encoder")
        }
        defer { spng_ctx_free(ctx) }
        func check(_ rc: Int32, _ step: String) throws {
            guard rc != 0 else { return }
            let message = spng_strerror(rc).map { String(cString: $0) } ?? "error \(rc)"
            throw ImageError.encodingFailed("PNG \(step): \(message)")
        }
        try check(spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1), "setup")
        try check(spng_set_option(ctx, SPNG_IMG_COMPRESSION_LEVEL, Int32(compressionLevel)), "setup")
        var ihdr = spng_ihdr()
        ihdr.width = UInt32(width)
        ihdr.height = UInt32(height)
        ihdr.bit_depth = 8
        ihdr.color_type = UInt8(format == .gray ? SPNG_COLOR_TYPE_GRAYSCALE.rawValue : SPNG_COLOR_TYPE_TRUECOLOR.rawValue)
        try check(spng_set_ihdr(ctx, &ihdr), "header")
        try pixels.withUnsafeBytes { raw in
            try check(spng_encode_image(ctx, raw.baseAddress, raw.count, Int32(SPNG_FMT_PNG.rawValue),
                                        Int32(SPNG_ENCODE_FINALIZE.rawValue)), "encoding")
        }
        var length = 0
        var error: Int32 = 0
        guard let buffer = spng_get_png_buffer(ctx, &length, &error) else {
            try check(error == 0 ? Int32(SPNG_EINTERNAL.rawValue) : error, "output")
            return []
        }
        defer { free(buffer) }
        return Array(UnsafeRawBufferPointer(start: buffer, count: length))
    }
}
