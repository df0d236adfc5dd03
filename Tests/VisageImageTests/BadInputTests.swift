import Foundation
import VisageImage
import XCTest

/// Hostile and broken inputs: each must give its typed error, never a crash or a huge allocation.
final class BadInputTests: XCTestCase {
    private func assertError(_ expected: (ImageError) -> Bool, _ body: @autoclosure () throws -> Image,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let imageError = error as? ImageError, expected(imageError) else {
                return XCTFail("unexpected error \(error)", file: file, line: line)
            }
            XCTAssertFalse(imageError.description.isEmpty)
        }
    }

    private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-image-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return url.path
    }

    /// CRC-32 (PNG / zlib polynomial), to build chunks with valid checksums.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        func be32(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    func testEmptyInput() throws {
        assertError({ $0 == .empty }, try Image.decode(data: []))
        assertError({ $0 == .empty }, try Image.load(path: try temporaryFile("empty.png", [])))
    }

    func testTextFileNamedJPG() throws {
        let path = try temporaryFile("notes.jpg", Array("just some text, not a picture\n".utf8))
        assertError({ if case .unsupportedFormat(let what) = $0 { return what.contains("just som") } else { return false } },
                    try Image.load(path: path))
        assertError({ if case .unsupportedFormat = $0 { return true } else { return false } },
                    try Image.decode(data: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0, 0]))  // GIF
    }

    func testMissingFileAndDirectory() {
        assertError({ if case .io(let path, _) = $0 { return path == "/nonexistent/x.jpg" } else { return false } },
                    try Image.load(path: "/nonexistent/x.jpg"))
        assertError({ if case .io = $0 { return true } else { return false } }, try Image.load(path: "/tmp"))
    }

    func testHugePNGHeaderIsRefusedBeforeDecoding() {
        // 60000 x 60000 RGBA: 14.4 GB if anybody believed it. Valid CRCs, tiny IDAT.
        let ihdr: [UInt8] = [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 6, 0, 0, 0]
        let png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Self.pngChunk("IHDR", ihdr)
            + Self.pngChunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + Self.pngChunk("IEND", [])
        assertError({ $0 == .tooLarge(width: 60000, height: 60000, limit: 100_000_000) }, try Image.decode(data: png))
        // A per-side size above what libspng's own limit allows still reports both sides.
        let small = DecodeLimits(maxPixels: 1000)
        assertError({ $0 == .tooLarge(width: 60000, height: 60000, limit: 1000) }, try Image.decode(data: png, limits: small))
    }

    func testHugeJPEGHeaderIsRefusedBeforeDecoding() throws {
        var jpeg = try JPEGDecodeTests.smoothImage().jpegData()
        let sof = try XCTUnwrap((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0xEA; jpeg[sof + 6] = 0x60  // height 60000
        jpeg[sof + 7] = 0xEA; jpeg[sof + 8] = 0x60  // width 60000
        assertError({ $0 == .tooLarge(width: 60000, height: 60000, limit: 100_000_000) }, try Image.decode(data: jpeg))
    }

    func testHugePNMHeaderIsRefusedBeforeDecoding() {
        assertError({ $0 == .tooLarge(width: 60000, height: 60000, limit: 100_000_000) },
                    try Image.decode(data: Array("P6\n60000 60000\n255\n".utf8) + [1, 2, 3]))
        assertError({ if case .corrupt = $0 { return true } else { return false } },
                    try Image.decode(data: Array("P5\n99999999999999999999 2\n255\n".utf8)))
    }

    func testPixelLimitAppliesToEveryFormat() throws {
        let image = Fixtures.patternImage(width: 31, height: 17, format: .rgb)
        let limits = DecodeLimits(maxPixels: 31 * 17 - 1)
        for file in [try image.pngData(), try image.jpegData(), image.pnmData()] {
            assertError({ $0 == .tooLarge(width: 31, height: 17, limit: 31 * 17 - 1) }, try Image.decode(data: file, limits: limits))
            XCTAssertNoThrow(try Image.decode(data: file, limits: DecodeLimits(maxPixels: 31 * 17)))
        }
    }

    func testFileSizeLimit() throws {
        let png = try Fixtures.patternImage(width: 8, height: 8, format: .gray).pngData()
        let limits = DecodeLimits(maxFileBytes: png.count - 1)
        assertError({ $0 == .fileTooLarge(bytes: png.count, limit: png.count - 1) }, try Image.decode(data: png, limits: limits))
        let path = try temporaryFile("small.png", png)
        assertError({ $0 == .fileTooLarge(bytes: png.count, limit: png.count - 1) }, try Image.load(path: path, limits: limits))
        XCTAssertNoThrow(try Image.load(path: path))
    }

    func testTruncatedPNG() throws {
        let png = try Fixtures.patternImage(width: 64, height: 48, format: .rgb).pngData(compressionLevel: 0)
        for cut in [png.count / 2, png.count - 12, 40, 20, 9] {
            assertError({ if case .truncated = $0 { return true } else { return false } }, try Image.decode(data: Array(png.prefix(cut))))
        }
    }

    func testCorruptPNG() throws {
        var png = try Fixtures.patternImage(width: 16, height: 16, format: .rgb).pngData()
        png[png.count / 2] ^= 0x55  // inside IDAT: the chunk CRC no longer matches
        assertError({ if case .corrupt = $0 { return true } else { return false } }, try Image.decode(data: png))
        var badIHDR = try Fixtures.patternImage(width: 4, height: 4, format: .gray).pngData()
        badIHDR[24] = 7  // bit depth 7 (with a now-wrong CRC)
        assertError({ if case .corrupt = $0 { return true } else { return false } }, try Image.decode(data: badIHDR))
    }

    func testEveryPrefixOfEveryFormatFailsCleanly() throws {
        let image = Fixtures.patternImage(width: 9, height: 7, format: .rgb)
        let files = [try image.pngData(), try image.jpegData(), image.pnmData(), Fixtures.bytes(Fixtures.interlacedRGB8)]
        for file in files {
            for cut in 1..<file.count {
                XCTAssertThrowsError(try Image.decode(data: Array(file.prefix(cut))), "prefix \(cut) of \(file.count)")
            }
        }
    }

    func testRandomByteDamageNeverCrashes() throws {
        let image = Fixtures.patternImage(width: 24, height: 16, format: .rgb)
        let exif = ExifOrientationTests.exifSegment(orientation: 6, bigEndian: true)
        let files = [ExifOrientationTests.splice(exif, into: try image.jpegData()), try image.pngData(),
                     image.pnmData(), Fixtures.bytes(Fixtures.interlacedGray4)]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(state >> 33) }
        for file in files {
            for _ in 0..<300 {
                var damaged = file
                for _ in 0..<(1 + next() % 4) { damaged[next() % damaged.count] = UInt8(truncatingIfNeeded: next()) }
                do {
                    let decoded = try Image.decode(data: damaged)
                    XCTAssertEqual(decoded.pixels.count, decoded.width * decoded.height * decoded.channels)
                } catch {
                    XCTAssertTrue(error is ImageError, "\(error)")
                }
            }
        }
    }
}
