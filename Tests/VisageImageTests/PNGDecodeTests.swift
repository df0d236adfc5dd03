import VisageImage
import XCTest

/// PNG decoding of every colour type, bit depth and interlacing, from hand-made files.
final class PNGDecodeTests: XCTestCase {
    private func decode(_ base64: String) throws -> Image {
        try Image.decode(data: Fixtures.bytes(base64))
    }

    private func expect(_ image: Image, width: Int, height: Int, format: PixelFormat,
                        _ value: (Int, Int, Int) -> UInt8, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(image.width, width, file: file, line: line)
        XCTAssertEqual(image.height, height, file: file, line: line)
        XCTAssertEqual(image.format, format, file: file, line: line)
        var expected: [UInt8] = []
        for y in 0..<height { for x in 0..<width { for c in 0..<format.channels { expected.append(value(x, y, c)) } } }
        XCTAssertEqual(image.pixels, expected, file: file, line: line)
    }

    func testSixteenBitRGBKeepsHighByte() throws {
        expect(try decode(Fixtures.rgb16), width: 5, height: 4, format: .rgb, Fixtures.pattern)
    }

    func testSixteenBitGreyKeepsHighByte() throws {
        expect(try decode(Fixtures.gray16), width: 5, height: 4, format: .gray) { x, y, _ in Fixtures.pattern(x, y, 0) }
    }

    func testGreyAlphaDropsAlpha() throws {
        expect(try decode(Fixtures.grayAlpha8), width: 5, height: 4, format: .gray) { x, y, _ in Fixtures.pattern(x, y, 0) }
        expect(try decode(Fixtures.grayAlpha16), width: 5, height: 4, format: .gray) { x, y, _ in Fixtures.pattern(x, y, 0) }
    }

    func testRGBADropsAlpha() throws {
        expect(try decode(Fixtures.rgba8), width: 5, height: 4, format: .rgb, Fixtures.pattern)
    }

    func testFourBitPaletteIgnoresTransparency() throws {
        expect(try decode(Fixtures.palette4), width: 5, height: 4, format: .rgb) { x, y, c in
            let index = Int(Fixtures.pattern(x, y, 0) & 15)
            return UInt8([index * 16, 255 - index * 16, index * 7][c])
        }
    }

    func testInterlacedRGB() throws {
        expect(try decode(Fixtures.interlacedRGB8), width: 9, height: 7, format: .rgb, Fixtures.pattern)
    }

    func testLowBitDepthGreyScalesToFullRange() throws {
        expect(try decode(Fixtures.gray1), width: 9, height: 7, format: .gray) { x, y, _ in
            Fixtures.pattern(x, y, 0) & 1 == 1 ? 255 : 0
        }
        expect(try decode(Fixtures.interlacedGray4), width: 9, height: 7, format: .gray) { x, y, _ in
            (Fixtures.pattern(x, y, 0) & 15) * 17
        }
    }

    func testEncoderRoundTripRGBAndGrey() throws {
        for format in PixelFormat.allCases {
            let original = Fixtures.patternImage(width: 31, height: 17, format: format)
            for level in [0, 6, 9] {
                let png = try original.pngData(compressionLevel: level)
                XCTAssertEqual(ImageFileFormat.detect(png), .png)
                XCTAssertEqual(try Image.decode(data: png), original, "\(format) level \(level)")
            }
        }
    }
}
