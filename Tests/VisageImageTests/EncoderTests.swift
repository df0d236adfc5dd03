import Foundation
import VisageImage
import XCTest

/// Encoders: JPEG quality and settings, file writing, argument checks.
final class EncoderTests: XCTestCase {
    func testJPEGQualityControlsSize() throws {
        let image = Fixtures.patternImage(width: 64, height: 48, format: .rgb)
        let small = try image.jpegData(JPEGEncodeOptions(quality: 20))
        let large = try image.jpegData(JPEGEncodeOptions(quality: 98))
        XCTAssertEqual(ImageFileFormat.detect(small), .jpeg)
        XCTAssertLessThan(small.count, large.count)
        XCTAssertEqual(try image.encoded(as: .jpeg(JPEGEncodeOptions(quality: 20))), small)
        XCTAssertThrowsError(try image.jpegData(JPEGEncodeOptions(quality: 0)))
        XCTAssertThrowsError(try image.jpegData(JPEGEncodeOptions(quality: 101)))
    }

    func testEmptyImagesAreRefused() {
        let empty = Image(width: 0, height: 0, format: .rgb)
        XCTAssertThrowsError(try empty.pngData())
        XCTAssertThrowsError(try empty.jpegData())
        XCTAssertThrowsError(try Fixtures.patternImage(width: 2, height: 2, format: .gray).pngData(compressionLevel: 10))
    }

    func testWriteAndLoadEveryFormat() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-encoder-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = Fixtures.patternImage(width: 20, height: 10, format: .rgb)
        for (name, encoding) in [("a.png", ImageEncoding.png()), ("b.ppm", .pnm), ("c.jpg", .jpeg(JPEGEncodeOptions(quality: 100, subsampling: .none444)))] {
            let path = dir.appendingPathComponent(name).path
            try image.write(to: path, as: encoding)
            let loaded = try Image.load(path: path)
            XCTAssertEqual([loaded.width, loaded.height], [20, 10], name)
            if name != "c.jpg" { XCTAssertEqual(loaded, image, name) }
        }
        XCTAssertThrowsError(try image.write(to: "/nonexistent-dir/x.png", as: .png())) { error in
            guard case ImageError.io = error else { return XCTFail("\(error)") }
        }
    }
}
