import VisageImage
import XCTest

/// Grey ↔ RGB and RGB ↔ BGR.
final class ColorConversionTests: XCTestCase {
    func testRGBToGreyUsesPillowLuma() {
        // Pillow 13: Image.fromarray([[255,0,0],[0,255,0],[0,0,255],[10,200,30],[255,255,255]]).convert("L")
        let rgb = Image(width: 5, height: 1, format: .rgb,
                        pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 200, 30, 255, 255, 255])
        XCTAssertEqual(rgb.converted(to: .gray), Image(width: 5, height: 1, format: .gray, pixels: [76, 150, 29, 124, 255]))
    }

    func testPatternMatchesPillowConvertL() {
        // FNV-1a of Pillow 13's convert("L") of the 24 x 18 RGB pattern.
        let grey = Fixtures.patternImage(width: 24, height: 18, format: .rgb).converted(to: .gray)
        XCTAssertEqual(Fixtures.fnv1a(grey.pixels), 0x7ae5_18bd_0746_929f)
    }

    func testGreyToRGBReplicates() {
        let grey = Image(width: 2, height: 1, format: .gray, pixels: [7, 200])
        XCTAssertEqual(grey.converted(to: .rgb).pixels, [7, 7, 7, 200, 200, 200])
        XCTAssertEqual(grey.converted(to: .rgb).converted(to: .gray), grey)
        XCTAssertEqual(grey.converted(to: .gray), grey)
    }

    func testSwappingRedBlue() {
        let rgb = Image(width: 2, height: 1, format: .rgb, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(rgb.swappingRedBlue().pixels, [3, 2, 1, 6, 5, 4])
        XCTAssertEqual(rgb.swappingRedBlue().swappingRedBlue(), rgb)
        let grey = Image(width: 1, height: 1, format: .gray, pixels: [9])
        XCTAssertEqual(grey.swappingRedBlue(), grey)
    }
}
