import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// Netpbm grey and pixel maps: plain and raw, comments, maxval scaling, 16-bit, truncation.
final class PNMTests: XCTestCase {
    func testATTFacePGM() throws {
        let bytes = try [UInt8](Data(contentsOf: TestData.shared("att-orl-faces/s1/1.pgm")))
        XCTAssertEqual(ImageFileFormat.detect(bytes), .pnm)
        let image = try Image.decode(data: bytes)
        XCTAssertEqual([image.width, image.height], [92, 112])
        XCTAssertEqual(image.format, .gray)
        XCTAssertTrue(image.pixels == Array(bytes.suffix(92 * 112)), "P5 maxval 255: the raster itself")
        XCTAssertTrue(try Image.decode(data: image.pnmData()) == image)
    }

    func testPlainGreyWithComments() throws {
        let text = "P2\n# a comment\n3 2 # trailing comment\n# another\n15\n0 1 2\n13 14 15\n"
        let image = try Image.decode(data: Array(text.utf8))
        XCTAssertEqual(image, Image(width: 3, height: 2, format: .gray, pixels: [0, 17, 34, 221, 238, 255]))
    }

    func testPlainRGB() throws {
        let image = try Image.decode(data: Array("P3 2 1 255  255 0 10   0 128 255".utf8))
        XCTAssertEqual(image, Image(width: 2, height: 1, format: .rgb, pixels: [255, 0, 10, 0, 128, 255]))
    }

    func testRawSixteenBitIsBigEndianAndScaled() throws {
        // maxval 1000: 1000 → 255, 500 → 128 (127.5 rounds up), 2 → 1 (0.51 rounds up), 1 → 0.
        let header = Array("P5\n4 1\n1000\n".utf8)
        let raster: [UInt8] = [0x03, 0xE8, 0x01, 0xF4, 0x00, 0x02, 0x00, 0x01]
        XCTAssertEqual(try Image.decode(data: header + raster).pixels, [255, 128, 1, 0])
        let rgb = try Image.decode(data: Array("P6 1 1 65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00, 0x00, 0x80])
        XCTAssertEqual(rgb.pixels, [255, 128, 0])
    }

    func testRawSmallMaxvalIsScaled() throws {
        XCTAssertEqual(try Image.decode(data: Array("P5 3 1 3\n".utf8) + [0, 1, 3]).pixels, [0, 85, 255])
    }

    func testSampleAboveMaxvalIsCorrupt() {
        for data in [Array("P5 2 1 100\n".utf8) + [50, 101], Array("P2 2 1 100 50 101".utf8)] {
            XCTAssertThrowsError(try Image.decode(data: data)) { error in
                guard case ImageError.corrupt = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testTruncatedRasters() {
        for data in [Array("P5 10 10 255\n".utf8) + [UInt8](repeating: 7, count: 99),
                     Array("P6 2 2 255\n".utf8),
                     Array("P2 2 2 255 1 2 3".utf8),
                     Array("P5 10".utf8)] {
            XCTAssertThrowsError(try Image.decode(data: data)) { error in
                guard case ImageError.truncated = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testMalformedHeaders() {
        for text in ["P5 abc 2 255\n", "P5 2 2 0\n\0\0\0\0", "P5 0 2 255\n", "P6 2 2 70000\n"] {
            XCTAssertThrowsError(try Image.decode(data: Array(text.utf8)), text) { error in
                guard case ImageError.corrupt = error else { return XCTFail("\(text): \(error)") }
            }
        }
    }

    func testEncodeRoundTrip() throws {
        for format in PixelFormat.allCases {
            let image = Fixtures.patternImage(width: 7, height: 5, format: format)
            let data = image.pnmData()
            XCTAssertEqual(Array(data.prefix(3)), Array((format == .gray ? "P5\n" : "P6\n").utf8))
            XCTAssertEqual(try Image.decode(data: data), image)
            XCTAssertEqual(try image.encoded(as: .pnm), data)
        }
    }
}
