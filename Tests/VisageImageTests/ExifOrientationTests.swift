import VisageImage
import XCTest

/// EXIF orientation: parsing the APP1 TIFF block (both byte orders, hostile offsets) and
/// applying all eight transforms.
final class ExifOrientationTests: XCTestCase {
    /// The stored image [1 2 3; 4 5 6] (3 wide, 2 high).
    private let stored = Image(width: 3, height: 2, format: .gray, pixels: [1, 2, 3, 4, 5, 6])

    func testAllEightTransformsOnAHandCase() {
        // Expected upright images, read from the EXIF 2.3 table (0th row / 0th column positions).
        let expected: [ExifOrientation: (Int, Int, [UInt8])] = [
            .up: (3, 2, [1, 2, 3, 4, 5, 6]),
            .upMirrored: (3, 2, [3, 2, 1, 6, 5, 4]),
            .down: (3, 2, [6, 5, 4, 3, 2, 1]),
            .downMirrored: (3, 2, [4, 5, 6, 1, 2, 3]),
            .leftMirrored: (2, 3, [1, 4, 2, 5, 3, 6]),
            .right: (2, 3, [4, 1, 5, 2, 6, 3]),
            .rightMirrored: (2, 3, [6, 3, 5, 2, 4, 1]),
            .left: (2, 3, [3, 6, 2, 5, 1, 4]),
        ]
        for orientation in ExifOrientation.allCases {
            let upright = stored.oriented(orientation)
            let (w, h, pixels) = expected[orientation]!
            XCTAssertEqual(upright, Image(width: w, height: h, format: .gray, pixels: pixels), "\(orientation)")
            XCTAssertEqual(orientation.swapsDimensions, w != 3)
        }
    }

    func testRGBTransformsMoveWholePixels() {
        let rgb = Fixtures.patternImage(width: 4, height: 3, format: .rgb)
        for orientation in ExifOrientation.allCases {
            let grey = rgb.converted(to: .gray).oriented(orientation)
            XCTAssertEqual(rgb.oriented(orientation).converted(to: .gray), grey, "\(orientation)")
        }
        XCTAssertEqual(rgb.oriented(.right).oriented(.left), rgb)
        XCTAssertEqual(rgb.oriented(.down).oriented(.down), rgb)
    }

    /// An APP1 segment holding a TIFF block whose IFD0 has a Make tag, then the orientation.
    static func exifSegment(orientation: Int, bigEndian: Bool, type: Int = 3) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { bigEndian ? [UInt8(v >> 8 & 255), UInt8(v & 255)] : [UInt8(v & 255), UInt8(v >> 8 & 255)] }
        func u32(_ v: Int) -> [UInt8] { bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8) + u16(2)
        tiff += u16(0x010F) + u16(2) + u32(6) + u32(38)  // Make, ASCII, 6 bytes at offset 38
        let value = type == 3 ? u16(orientation) + u16(0) : u32(orientation)
        tiff += u16(0x0112) + u16(type) + u32(1) + value
        tiff += u32(0) + Array("Visag\0".utf8)
        let payload = Array("Exif\0\0".utf8) + tiff
        return [0xFF, 0xE1, UInt8((payload.count + 2) >> 8), UInt8((payload.count + 2) & 255)] + payload
    }

    static func splice(_ segment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        Array(jpeg.prefix(2)) + segment + Array(jpeg.dropFirst(2))
    }

    func testDecodingAppliesEveryOrientationInBothByteOrders() throws {
        let plainJPEG = try JPEGDecodeTests.smoothImage(width: 40, height: 24).jpegData()
        let plain = try Image.decode(data: plainJPEG)
        for bigEndian in [false, true] {
            for orientation in ExifOrientation.allCases {
                let jpeg = Self.splice(Self.exifSegment(orientation: orientation.rawValue, bigEndian: bigEndian), into: plainJPEG)
                XCTAssertEqual(ExifOrientation.parse(jpeg: jpeg), orientation)
                let upright = try Image.decode(data: jpeg)
                XCTAssertEqual(upright, plain.oriented(orientation), "\(orientation) bigEndian \(bigEndian)")
                XCTAssertEqual(upright.width, orientation.swapsDimensions ? 24 : 40)
                XCTAssertEqual(try Image.decode(data: jpeg, orientation: .ignoreExif), plain)
            }
        }
    }

    func testLongValueTypeIsAccepted() {
        let jpeg = Self.splice(Self.exifSegment(orientation: 6, bigEndian: true, type: 4), into: [0xFF, 0xD8, 0xFF, 0xD9])
        XCTAssertEqual(ExifOrientation.parse(jpeg: jpeg), .right)
    }

    func testBrokenExifBlocksGiveNoOrientation() {
        let good = Array(Self.exifSegment(orientation: 6, bigEndian: false).dropFirst(10))  // the TIFF block
        XCTAssertEqual(ExifOrientation.parse(tiff: good), .right)
        XCTAssertNil(ExifOrientation.parse(tiff: Self.exifSegment(orientation: 9, bigEndian: false).dropFirst(10).map { $0 }))
        XCTAssertNil(ExifOrientation.parse(tiff: Self.exifSegment(orientation: 0, bigEndian: true).dropFirst(10).map { $0 }))
        var badOrder = good; badOrder[0] = 0x4A
        XCTAssertNil(ExifOrientation.parse(tiff: badOrder))
        var farIFD = good; farIFD[4] = 0xF0; farIFD[7] = 0x7F  // IFD offset far beyond the end
        XCTAssertNil(ExifOrientation.parse(tiff: farIFD))
        var manyEntries = good; manyEntries[8] = 0xFF; manyEntries[9] = 0xFF  // 65535 entries claimed
        XCTAssertEqual(ExifOrientation.parse(tiff: manyEntries), .right)  // found before running out
        var noTag = good; noTag[8] = 1  // only the Make entry remains
        XCTAssertNil(ExifOrientation.parse(tiff: noTag))
        for cut in 0..<good.count { _ = ExifOrientation.parse(tiff: Array(good.prefix(cut))) }  // no crash
        XCTAssertNil(ExifOrientation.parse(tiff: Array(good.prefix(30))))
    }

    func testTruncatedAPP1SegmentDoesNotCrashTheDecoder() throws {
        let plainJPEG = try JPEGDecodeTests.smoothImage().jpegData()
        var segment = Self.exifSegment(orientation: 3, bigEndian: false)
        segment[2] = 0xFF  // the segment claims 65 kB: runs past the end of the file
        XCTAssertThrowsError(try Image.decode(data: Self.splice(segment, into: plainJPEG)))
    }
}
