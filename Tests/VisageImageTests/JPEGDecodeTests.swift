import VisageImage
import VisageTestSupport
import XCTest

/// JPEG decoding beyond the course images: grey, progressive, subsampling, CMYK, truncation.
final class JPEGDecodeTests: XCTestCase {
    private func maxDifference(_ a: Image, _ b: Image) -> Int {
        zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
    }

    /// A smooth test image: JPEG reproduces it closely at high quality.
    static func smoothImage(width: Int = 48, height: Int = 32, format: PixelFormat = .rgb) -> Image {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<format.channels { pixels.append(UInt8(min(255, x * 2 + y * 2 + c * 40))) }
            }
        }
        return Image(width: width, height: height, format: format, pixels: pixels)
    }

    func testGreyJPEGDecodesToGrey() throws {
        let original = Self.smoothImage(format: .gray)
        let jpeg = try original.jpegData(JPEGEncodeOptions(quality: 100))
        let decoded = try Image.decode(data: jpeg)
        XCTAssertEqual(decoded.format, .gray)
        XCTAssertEqual(decoded.width, 48)
        XCTAssertEqual(decoded.height, 32)
        XCTAssertLessThanOrEqual(maxDifference(decoded, original), 3)
    }

    func testEverySubsamplingDecodesCloseToTheOriginal() throws {
        let original = Self.smoothImage()
        for subsampling in JPEGSubsampling.allCases {
            let jpeg = try original.jpegData(JPEGEncodeOptions(quality: 98, subsampling: subsampling))
            let decoded = try Image.decode(data: jpeg)
            XCTAssertEqual(decoded.format, .rgb)
            XCTAssertEqual([decoded.width, decoded.height], [48, 32])
            XCTAssertLessThanOrEqual(maxDifference(decoded, original), 12, "\(subsampling)")
        }
    }

    func testProgressiveDecodesLikeBaseline() throws {
        // Progressive mode only reorders the same quantised coefficients: identical pixels.
        let original = Self.smoothImage()
        let baseline = try original.jpegData(JPEGEncodeOptions(quality: 80))
        let progressive = try original.jpegData(JPEGEncodeOptions(quality: 80, progressive: true))
        XCTAssertNotEqual(baseline, progressive)
        XCTAssertTrue(progressive.contains(0xC2) && zip(progressive, progressive.dropFirst()).contains { $0 == 0xFF && $1 == 0xC2 },
                      "expected a SOF2 (progressive) marker")
        XCTAssertEqual(try Image.decode(data: progressive), try Image.decode(data: baseline))
    }

    func testCMYKJPEGConvertsToRGBLikePillow() throws {
        let decoded = try Image.decode(data: Fixtures.bytes(Fixtures.cmykJPEG))
        XCTAssertEqual(decoded.format, .rgb)
        XCTAssertEqual([decoded.width, decoded.height], [8, 8])
        XCTAssertEqual(decoded.pixels, Fixtures.bytes(Fixtures.cmykExpectedRGB))
    }

    func testCourseJPEGCutInHalfIsTruncated() throws {
        let bytes = try [UInt8](Data(contentsOf: TestData.shared("coursera-facenet-images/camera_0.jpg")))
        XCTAssertNoThrow(try Image.decode(data: bytes))
        for cut in [bytes.count / 2, bytes.count - 3, 100, 3] {
            XCTAssertThrowsError(try Image.decode(data: Array(bytes.prefix(cut))), "cut at \(cut)") { error in
                guard case ImageError.truncated = error else { return XCTFail("cut at \(cut): \(error)") }
            }
        }
    }

    func testGarbageAfterTheHeadersIsCorrupt() throws {
        var bytes = try Self.smoothImage().jpegData()
        // Overwrite the Huffman tables (DHT) with junk: libjpeg must refuse, not crash.
        let dht = try XCTUnwrap(zip(bytes.indices, bytes.dropFirst()).first { bytes[$0.0] == 0xFF && $0.1 == 0xC4 }?.0)
        for i in (dht + 4)..<(dht + 40) { bytes[i] = 0xFF }
        XCTAssertThrowsError(try Image.decode(data: bytes)) { error in
            switch error {
            case ImageError.corrupt, ImageError.truncated: break
            default: XCTFail("\(error)")
            }
        }
    }
}
