import Foundation
import Visage
import VisageImage
import VisageNN
import VisageTestSupport
import XCTest

/// The MMOD detector's image handling against dlib 20.0.1: the tiled pyramid layout (the
/// verified example of shared/specs/dlib-formats.md 3.2), its bilinear levels and `pyramid_up`.
/// Hashes come from scripts/fixtures/make_dlib_pyramid_fixtures.py (dlib-bin 20.0.1).
final class MMODPyramidTests: XCTestCase {
    private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    private func fnv1a(_ floats: ArraySlice<Float>) -> UInt64 {
        var bytes = [UInt8]()
        bytes.reserveCapacity(floats.count * 4)
        for f in floats {
            let bits = f.bitPattern
            for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(k)))) }
        }
        return fnv1a(bytes)
    }

    private func blair() throws -> Image {
        let png = try TestPNG.decodeRGB(try TestData.shared("reference/dlib/images/Tony_Blair_0001.png"))
        return Image(width: png.width, height: png.height, format: .rgb, pixels: png.rgb)
    }

    func testLayoutMatchesDlibExample() {
        let p = TiledPyramid(height: 341, width: 273)
        XCTAssertEqual(p.levels.count, 22)
        XCTAssertEqual(p.rows, 1282)
        XCTAssertEqual(p.cols, 295)
        let expected = [(11, 11, 283, 351), (11, 362, 237, 645), (11, 656, 199, 891), (11, 902, 167, 1097),
                        (11, 1108, 140, 1270), (176, 1136, 283, 1270), (194, 1014, 283, 1125), (209, 911, 283, 1003)]
        for (i, e) in expected.enumerated() {
            XCTAssertEqual(p.levels[i], PixelRect(left: e.0, top: e.1, right: e.2, bottom: e.3), "level \(i)")
        }
        XCTAssertEqual(p.levels.last, PixelRect(left: 280, top: 364, right: 283, bottom: 368))
        // Empty images have no pyramid.
        XCTAssertEqual(TiledPyramid(height: 0, width: 10).levels, [])
    }

    func testLevelsAreDlibsBilinearResizes() throws {
        let image = try blair()
        let pyramid = TiledPyramid(height: image.height, width: image.width)
        let mean: [Float] = [122.782, 117.001, 104.298]
        let t = pyramid.tensor(for: image, mean: mean)
        XCTAssertEqual(t.shape, [1, 3, pyramid.rows, pyramid.cols])
        let expected: [UInt64] = [
            7_439_306_404_012_586_443, 14_371_726_997_671_962_277, 10_449_672_491_948_922_929,
            16_745_240_647_162_499_470, 8_350_764_604_714_820_866, 7_508_059_582_860_538_299,
            7_515_147_932_837_020_361, 14_589_162_624_531_207_634, 16_347_217_099_340_624_568,
            2_456_703_024_658_462_241, 3_587_712_125_531_960_764, 6_386_166_763_151_172_774,
            7_131_700_038_921_924_843, 1_356_843_487_958_415_455, 4_941_034_128_993_823_911,
            15_103_917_142_167_194_923, 11_269_312_939_752_702_578, 2_034_059_635_054_191_691,
            13_041_970_646_091_801_755,
        ]
        XCTAssertGreaterThan(pyramid.levels.count, 10)
        XCTAssertEqual(t[0, 0, 11, 11], (Float(image.pixels[0]) - mean[0]) / 256)
        for (i, level) in pyramid.levels.enumerated().dropFirst() {
            var red = ArraySlice<Float>()
            for y in level.top...level.bottom {
                let start = y * pyramid.cols + level.left
                red.append(contentsOf: t.storage[start..<(start + level.width)])
            }
            XCTAssertEqual(fnv1a(red), expected[i - 1], "level \(i) \(level)")
        }
        // Outside the levels the tensor is zero (between level 0 and 1, and the outer border).
        XCTAssertEqual(t[0, 1, 0, 0], 0)
        XCTAssertEqual(t[0, 2, pyramid.levels[0].bottom + 5, 20], 0)
    }

    func testPyramidUpMatchesDlib() throws {
        let image = try blair()
        let up = image.dlibPyramidUp()
        XCTAssertEqual(up.width, 502)
        XCTAssertEqual(up.height, 501)
        XCTAssertEqual(fnv1a(up.pixels), 14_087_688_626_156_684_282)
        let crop = image.cropped(x: 20, y: 10, width: 53, height: 37).dlibPyramidUp()
        XCTAssertEqual(crop.width, 108)
        XCTAssertEqual(crop.height, 75)
        XCTAssertEqual(fnv1a(crop.pixels), 8_497_061_683_691_445_725)
        // Gray images are replicated to RGB first.
        let gray = image.converted(to: .gray)
        XCTAssertEqual(gray.dlibPyramidUp(), gray.converted(to: .rgb).dlibPyramidUp())
    }
}
