import CSpng
import Foundation

extension TestPNG {
    /// Encodes samples as a PNG with libspng, in layouts the library's own encoder does not write
    /// (16-bit, Adam7-interlaced), so decoders can be tested on them.
    /// - Parameters:
    ///   - width: width in pixels.
    ///   - height: height in pixels.
    ///   - channels: 1 (grey) or 3 (RGB).
    ///   - bitDepth: 8 or 16.
    ///   - interlaced: write Adam7 interlacing.
    ///   - samples: `width · height · channels` values in 0…255 (8-bit) or 0…65535 (16-bit), row-major.
    /// - Returns: the file's bytes.
    /// - Throws: ``Failure`` when libspng refuses.
    public static func encode(width: Int, height: Int, channels: Int, bitDepth: Int, interlaced: Bool,
                              samples: [UInt16]) throws -> [UInt8] {
        guard channels == 1 || channels == 3, bitDepth == 8 || bitDepth == 16,
              samples.count == width * height * channels else {
            throw Failure(description: "encode: unsupported layout or wrong sample count")
        }
        guard let ctx = spng_ctx_new(Int32(SPNG_CTX_ENCODER.rawValue)) else { throw Failure(description: "spng_ctx_new failed") }
        defer { spng_ctx_free(ctx) }
        func check(_ code: Int32, _ step: String) throws {
            if code != 0 { throw Failure(description: "encode: \(step): \(String(cString: spng_strerror(code)))") }
        }
        try check(spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1), "to buffer")
        var header = spng_ihdr(width: UInt32(width), height: UInt32(height), bit_depth: UInt8(bitDepth),
                               color_type: UInt8(channels == 1 ? SPNG_COLOR_TYPE_GRAYSCALE.rawValue : SPNG_COLOR_TYPE_TRUECOLOR.rawValue),
                               compression_method: 0, filter_method: 0, interlace_method: interlaced ? 1 : 0)
        try check(spng_set_ihdr(ctx, &header), "header")
        // libspng takes 16-bit samples in host order for SPNG_FMT_PNG.
        var raw: [UInt8] = bitDepth == 8 ? samples.map { UInt8(truncatingIfNeeded: $0) }
                                        : samples.withUnsafeBytes { Array($0) }
        try raw.withUnsafeMutableBytes { buffer in
            try check(spng_encode_image(ctx, buffer.baseAddress, buffer.count, Int32(SPNG_FMT_PNG.rawValue),
                                        Int32(SPNG_ENCODE_FINALIZE.rawValue)), "encode")
        }
        var length = 0
        var error: Int32 = 0
        guard let png = spng_get_png_buffer(ctx, &length, &error), error == 0 else {
            throw Failure(description: "encode: no output (\(error))")
        }
        defer { free(png) }
        return Array(UnsafeRawBufferPointer(start: png, count: length))
    }

    /// A PNG whose header claims `width × height` pixels but whose data is a few bytes: decoders
    /// must refuse it before allocating the image.
    /// - Parameters:
    ///   - width: the claimed width.
    ///   - height: the claimed height.
    /// - Returns: signature, IHDR (8-bit RGB), a small IDAT and IEND, with valid CRCs.
    public static func claimingSize(width: UInt32, height: UInt32) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return be32(UInt32(body.count)) + typed + be32(crc32(typed))
        }
        let ihdr = be32(width) + be32(height) + [8, 2, 0, 0, 0]
        let idat: [UInt8] = [0x78, 0x01, 0x01, 0x01, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x01, 0x00, 0x01]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", [])
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
