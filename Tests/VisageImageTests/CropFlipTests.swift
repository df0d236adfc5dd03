import VisageImage
import XCTest

/// Cropping (clamped and padded) and flipping on tiny hand-made images.
final class CropFlipTests: XCTestCase {
    /// 4 x 3 grey: value = 10·row + column.
    private let grid = Image(width: 4, height: 3, format: .gray, pixels: [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23])

    func testCropInside() {
        XCTAssertEqual(grid.cropped(x: 1, y: 1, width: 2, height: 2),
                       Image(width: 2, height: 2, format: .gray, pixels: [11, 12, 21, 22]))
    }

    func testCropIsClampedToTheImage() {
        XCTAssertEqual(grid.cropped(x: -2, y: 2, width: 4, height: 5),
                       Image(width: 2, height: 1, format: .gray, pixels: [20, 21]))
        XCTAssertEqual(grid.cropped(x: 0, y: 0, width: 100, height: 100), grid)
        XCTAssertEqual(grid.cropped(x: 5, y: 0, width: 2, height: 2).pixels.count, 0)
        XCTAssertEqual(grid.cropped(x: 1, y: 1, width: -3, height: 2).width, 0)
        XCTAssertEqual(grid.cropped(x: Int.max - 1, y: Int.min, width: Int.max, height: Int.max).width, 0)
    }

    func testCropRGBKeepsChannelsTogether() {
        let rgb = Fixtures.patternImage(width: 5, height: 4, format: .rgb)
        let crop = rgb.cropped(x: 2, y: 1, width: 2, height: 3)
        XCTAssertEqual([crop.width, crop.height], [2, 3])
        for y in 0..<3 { for x in 0..<2 { for c in 0..<3 {
            XCTAssertEqual(crop.pixels[(y * 2 + x) * 3 + c], Fixtures.pattern(x + 2, y + 1, c))
        } } }
    }

    func testExtractPadsOutsideTheImage() throws {
        let padded = try grid.extracted(x: -1, y: 2, width: 3, height: 2, fill: 99)
        XCTAssertEqual(padded, Image(width: 3, height: 2, format: .gray, pixels: [99, 20, 21, 99, 99, 99]))
        XCTAssertEqual(try grid.extracted(x: 10, y: 10, width: 2, height: 1), Image(width: 2, height: 1, format: .gray))
        XCTAssertEqual(try grid.extracted(x: 0, y: 0, width: 4, height: 3), grid)
        XCTAssertThrowsError(try grid.extracted(x: 0, y: 0, width: -1, height: 1))
        XCTAssertThrowsError(try grid.extracted(x: 0, y: 0, width: Int.max / 2, height: 3))
    }

    func testFlips() {
        XCTAssertEqual(grid.flippedHorizontally().pixels, [3, 2, 1, 0, 13, 12, 11, 10, 23, 22, 21, 20])
        XCTAssertEqual(grid.flippedVertically().pixels, [20, 21, 22, 23, 10, 11, 12, 13, 0, 1, 2, 3])
        let rgb = Image(width: 2, height: 1, format: .rgb, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(rgb.flippedHorizontally().pixels, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(rgb.flippedHorizontally().flippedHorizontally(), rgb)
    }
}
