import VisageImage
import XCTest

/// Float conversion for network inputs.
final class FloatPlanesTests: XCTestCase {
    func testDefaultIsExactlyKDividedBy255() throws {
        let all = Image(width: 256, height: 1, format: .gray, pixels: (0...255).map(UInt8.init))
        let floats = try all.planarFloats()
        for k in 0...255 {
            XCTAssertEqual(floats[k].bitPattern, (Float(k) / 255).bitPattern, "k = \(k)")
            XCTAssertEqual(floats[k], Float(Double(k) / 255))
        }
    }

    func testPlanarAndInterleavedLayouts() throws {
        let rgb = Image(width: 2, height: 1, format: .rgb, pixels: [10, 20, 30, 40, 50, 60])
        XCTAssertEqual(try rgb.planarFloats(mean: [0], std: [1]), [10, 40, 20, 50, 30, 60])
        XCTAssertEqual(try rgb.interleavedFloats(mean: [0], std: [1]), [10, 20, 30, 40, 50, 60])
        XCTAssertEqual(try rgb.planarFloats(mean: [10, 20, 30], std: [2, 4, 10]), [0, 15, 0, 7.5, 0, 3])
        XCTAssertEqual(try rgb.interleavedFloats(mean: [127.5], std: [127.5])[0], (10 - 127.5) / 127.5)
    }

    func testBadArguments() {
        let rgb = Image(width: 1, height: 1, format: .rgb)
        XCTAssertThrowsError(try rgb.planarFloats(mean: [1, 2], std: [1]))
        XCTAssertThrowsError(try rgb.planarFloats(mean: [0], std: [1, 0, 1]))
    }
}
