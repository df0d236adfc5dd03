import VisageImage

/// Small valid images of every decoded flavour, made with Visage's own encoders.
enum ImageSeeds {
    static func pattern(width: Int, height: Int, format: PixelFormat) -> Image {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * format.channels)
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<format.channels { pixels.append(UInt8((x * 7 + y * 13 + c * 101 + (x ^ y) * 29) & 255)) }
            }
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    /// Inserts an Exif APP1 segment with the given orientation right after a JPEG's SOI marker.
    static func withExif(_ jpeg: [UInt8], orientation: UInt16, bigEndian: Bool) -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 255)] : [UInt8(v & 255), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { u16(bigEndian ? UInt16(v >> 16) : UInt16(v & 0xFFFF)) + u16(bigEndian ? UInt16(v & 0xFFFF) : UInt16(v >> 16)) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8) + u16(1)
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + [0, 0]
        tiff += u32(0)
        let payload: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0] + tiff
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 255)] + payload + jpeg.dropFirst(2)
    }

    static func all() throws -> [(String, [UInt8])] {
        let rgb = pattern(width: 13, height: 9, format: .rgb)
        let gray = pattern(width: 11, height: 7, format: .gray)
        let baseline = try rgb.encoded(as: .jpeg(JPEGEncodeOptions(quality: 80)))
        var seeds: [(String, [UInt8])] = [
            ("rgb.png", try rgb.encoded(as: .png())),
            ("gray.png", try gray.encoded(as: .png(compressionLevel: 0))),
            ("rgb.jpg", baseline),
            ("gray.jpg", try gray.encoded(as: .jpeg(JPEGEncodeOptions(quality: 70)))),
            ("progressive.jpg", try rgb.encoded(as: .jpeg(JPEGEncodeOptions(quality: 60, subsampling: .none444, progressive: true)))),
            ("exif6-ii.jpg", withExif(baseline, orientation: 6, bigEndian: false)),
            ("exif8-mm.jpg", withExif(baseline, orientation: 8, bigEndian: true)),
            ("rgb.ppm", try rgb.encoded(as: .pnm)),
            ("gray.pgm", try gray.encoded(as: .pnm)),
            ("ascii.pgm", Array("P2\n# comment\n3 2\n255\n0 128 255\n1 2 3\n".utf8)),
            ("ascii.ppm", Array("P3 2 1 15 0 1 2 3 4 5\n".utf8)),
            ("wide.pgm", Array("P5 3 1 65535\n".utf8) + [0, 1, 255, 255, 128, 0]),
        ]
        seeds.append(("tiny.jpg", try pattern(width: 1, height: 1, format: .rgb).encoded(as: .jpeg(JPEGEncodeOptions()))))
        return seeds
    }
}
