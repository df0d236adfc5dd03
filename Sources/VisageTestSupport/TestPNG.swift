import CSpng
import Foundation

/// A minimal PNG reader for tests (libspng), so golden tests can compare against reference PNGs
/// without depending on the library's own decoders.
public enum TestPNG {
    /// A decoded PNG: 8-bit RGB, rows top to bottom.
    public struct Pixels {
        /// Width in pixels.
        public let width: Int
        /// Height in pixels.
        public let height: Int
        /// `width · height · 3` interleaved R, G, B samples.
        public let rgb: [UInt8]
    }

    /// The PNG could not be decoded.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// Decodes a PNG file to 8-bit RGB.
    /// - Parameter url: the file.
    /// - Throws: ``Failure`` or a file-reading error.
    public static func decodeRGB(_ url: URL) throws -> Pixels {
        let data = try Data(contentsOf: url)
        guard let ctx = spng_ctx_new(0) else { throw Failure(description: "spng_ctx_new failed") }
        defer { spng_ctx_free(ctx) }
        return try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Pixels in
            func check(_ code: Int32, _ step: String) throws {
                if code != 0 {
                    throw Failure(description: "\(url.path): \(step): \(String(cString: spng_strerror(code)))")
                }
            }
            try check(spng_set_png_buffer(ctx, buffer.baseAddress, buffer.count), "set buffer")
            var header = spng_ihdr()
            try check(spng_get_ihdr(ctx, &header), "read header")
            var size = 0
            let format = Int32(SPNG_FMT_RGB8.rawValue)
            try check(spng_decoded_image_size(ctx, format, &size), "image size")
            var rgb = [UInt8](repeating: 0, count: size)
            try rgb.withUnsafeMutableBytes { out in
                try check(spng_decode_image(ctx, out.baseAddress, size, format, 0), "decode")
            }
            return Pixels(width: Int(header.width), height: Int(header.height), rgb: rgb)
        }
    }
}
