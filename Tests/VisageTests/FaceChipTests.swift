import Foundation
import Visage
import VisageImage
import VisageModels
import VisageTestSupport
import XCTest

/// Face chips against dlib 20.0.1. The shared reference chips (shared/data/reference/dlib/chips)
/// come from `dlib.get_face_chip(img, shape, 150, 0.25)`. The hashes below were made the same way
/// with the PyPI `dlib-bin` 20.0.1 wheel on the reference PNGs upscaled by pixel replication
/// (`np.repeat` ×3 and ×5, so chips come from pyramid levels 0 and 1), on gray versions
/// (`(R+G+B)//3`), and with `dlib.jitter_image(chip, 6)` in a fresh process.
final class FaceChipTests: XCTestCase {
    private func load(_ relative: String) throws -> Image {
        let png = try TestPNG.decodeRGB(try TestData.shared("reference/dlib/" + relative))
        return Image(width: png.width, height: png.height, format: .rgb, pixels: png.rgb)
    }

    /// FNV-1a 64 of the pixel bytes (the hash used when the goldens were recorded).
    private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    private func upscale(_ image: Image, by k: Int) -> Image {
        let ch = image.channels, w = image.width * k
        var out = [UInt8](repeating: 0, count: w * image.height * k * ch)
        for y in 0..<(image.height * k) {
            for x in 0..<w {
                let src = ((y / k) * image.width + x / k) * ch, dst = (y * w + x) * ch
                for c in 0..<ch { out[dst + c] = image.pixels[src + c] }
            }
        }
        return Image(width: w, height: image.height * k, format: image.format, pixels: out)
    }

    private func gray(_ image: Image) -> Image {
        let p = image.pixels
        var values = [UInt8](repeating: 0, count: image.width * image.height)
        for i in values.indices {
            let sum: Int = Int(p[3 * i]) + Int(p[3 * i + 1]) + Int(p[3 * i + 2])
            values[i] = UInt8(sum / 3)
        }
        return Image(width: image.width, height: image.height, format: .gray, pixels: values)
    }

    func testChipsAreByteIdenticalToDlib() throws {
        let json = try TestData.json(try TestData.shared("reference/dlib/dlib_reference.json"))
        let images = try XCTUnwrap((json as? [String: Any])?["images"] as? [[String: Any]])
        var compared = 0
        for entry in images {
            let image = try load(try XCTUnwrap(entry["png"] as? String))
            for face in try XCTUnwrap(entry["faces_upsample1"] as? [[String: Any]]) {
                for (landmarksKey, chipKey) in [("landmarks5", "chip_sp5"), ("landmarks68", "chip_sp68")] {
                    let points = try XCTUnwrap(face[landmarksKey] as? [[Int]]).map { PixelPoint(x: $0[0], y: $0[1]) }
                    let chip = image.extractChip(try FaceChipDetails(landmarks: points))
                    let expected = try load(try XCTUnwrap(face[chipKey] as? String))
                    XCTAssertEqual(chip.width, 150)
                    XCTAssertEqual(chip.height, 150)
                    XCTAssertEqual(chip.format, .rgb)
                    XCTAssertTrue(chip.pixels == expected.pixels, "\(face[chipKey] ?? "")")
                    compared += 1
                }
            }
        }
        XCTAssertEqual(compared, 18)
    }

    func testPyramidLevelsGrayAndPartlyOutsideFacesMatchDlib() throws {
        // Tony_Blair_0001: (scale, face box, 5-point landmarks, chip hashes sp5 / sp68 / gray sp5).
        let cases: [(Int, PixelRect, [Int], [UInt64])] = [
            (1, PixelRect(left: 86, top: 82, right: 185, bottom: 180), [154, 111, 139, 113, 104, 114, 116, 113, 121, 143],
             [14_902_015_710_445_104_168, 2_991_626_080_184_932_951, 1_882_842_200_724_446_128]),
            (1, PixelRect(left: -33, top: 42, right: 65, bottom: 140), [48, 86, 41, 80, 15, 66, 27, 73, 32, 108],
             [12_861_029_449_612_566_415, 8_241_069_673_063_714_560, 3_579_252_576_987_552_581]),
            (3, PixelRect(left: 258, top: 246, right: 557, bottom: 542), [466, 334, 417, 340, 312, 348, 349, 343, 365, 432],
             [498_503_829_469_803_787, 4_751_220_784_971_335_913, 17_496_788_099_986_787_804]),
            (3, PixelRect(left: -99, top: 126, right: 197, bottom: 422), [147, 263, 122, 245, 46, 200, 82, 221, 94, 327],
             [14_114_179_486_722_400_341, 10_675_903_269_971_107_319, 985_302_022_769_594_874]),
            (5, PixelRect(left: 430, top: 410, right: 929, bottom: 904), [778, 556, 696, 566, 520, 576, 583, 570, 605, 719],
             [17_747_491_221_840_453_617, 16_875_695_619_371_436_108, 13_069_053_353_307_483_075]),
            (5, PixelRect(left: -165, top: 210, right: 329, bottom: 704), [250, 427, 210, 399, 81, 334, 142, 364, 166, 543],
             [11_482_454_251_904_220_594, 16_852_127_963_119_812_780, 5_524_426_918_096_383_380]),
        ]
        let sp5 = try ShapePredictor(contentsOf: try TestData.model("shape_predictor_5_face_landmarks.dat"))
        let sp68 = try ShapePredictor(contentsOf: try TestData.model("shape_predictor_68_face_landmarks.dat"))
        let original = try load("images/Tony_Blair_0001.png")
        for (scale, box, flat, hashes) in cases {
            let image = upscale(original, by: scale)
            let five = sp5.predict(image: image, box: box)
            XCTAssertEqual(five, stride(from: 0, to: 10, by: 2).map { PixelPoint(x: flat[$0], y: flat[$0 + 1]) }, "\(box)")
            let details5 = try FaceChipDetails(landmarks: five)
            let details68 = try FaceChipDetails(landmarks: sp68.predict(image: image, box: box))
            XCTAssertEqual(fnv1a(image.extractChip(details5).pixels), hashes[0], "sp5 ×\(scale) \(box)")
            XCTAssertEqual(fnv1a(image.extractChip(details68).pixels), hashes[1], "sp68 ×\(scale) \(box)")
            let grayChip = gray(image).extractChip(details5)
            XCTAssertEqual(grayChip.format, .gray)
            XCTAssertEqual(fnv1a(grayChip.pixels), hashes[2], "gray ×\(scale) \(box)")
        }
    }

    func testJitterMatchesDlib() throws {
        let chip = try load("chips/George_W_Bush_0001_face0_sp5.png")
        let expected: [(UInt64, [UInt8], [UInt8])] = [
            (6_630_788_049_268_164_135, [163, 114, 81], [35, 38, 90]),
            (201_077_424_782_214_626, [172, 122, 96], [101, 87, 52]),
            (8_156_143_992_816_903_481, [162, 116, 89], [52, 53, 91]),
            (13_009_364_191_616_316_423, [168, 118, 91], [0, 0, 0]),
            (15_815_448_843_510_565_283, [172, 125, 98], [41, 45, 97]),
            (12_631_208_858_606_901_888, [174, 127, 101], [31, 36, 92]),
        ]
        var rng = DlibRandom()
        for (i, (hash, center, corner)) in expected.enumerated() {
            let jittered = chip.jittered(using: &rng)
            XCTAssertEqual(jittered.width, 150)
            XCTAssertEqual(Array(jittered.pixels[(75 * 150 + 75) * 3..<(75 * 150 + 76) * 3]), center, "jitter \(i)")
            XCTAssertEqual(Array(jittered.pixels[0..<3]), corner, "jitter \(i)")
            XCTAssertEqual(fnv1a(jittered.pixels), hash, "jitter \(i)")
        }
    }

    func testMersenneTwisterMatchesStdMt19937() {
        var mt = MersenneTwister(seed: 5489)
        XCTAssertEqual(mt.next(), 3_499_211_612)
        for _ in 2..<10_000 { _ = mt.next() }
        XCTAssertEqual(mt.next(), 4_123_659_995)  // the C++ standard's check value
    }

    func testChipDetailsOfTheSpecExample() throws {
        // obama.jpg 5-point landmarks (dlib formats spec, section 5.1).
        let landmarks = [(570, 216), (528, 215), (424, 217), (463, 216), (496, 295)].map { PixelPoint(x: $0.0, y: $0.1) }
        let details = try FaceChipDetails(landmarks: landmarks)
        XCTAssertEqual(details.rect.left, 350.59582, accuracy: 1e-5)
        XCTAssertEqual(details.rect.top, 123.06690, accuracy: 1e-5)
        XCTAssertEqual(details.rect.right, 646.07205, accuracy: 1e-5)
        XCTAssertEqual(details.rect.bottom, 418.54313, accuracy: 1e-5)
        XCTAssertEqual(details.angle, -0.0044412795, accuracy: 1e-9)
        XCTAssertEqual(details.rows, 150)
        XCTAssertEqual(details.cols, 150)
    }

    func testInvalidInputs() throws {
        let three = [PixelPoint(x: 0, y: 0), PixelPoint(x: 1, y: 0), PixelPoint(x: 0, y: 1)]
        XCTAssertThrowsError(try FaceChipDetails(landmarks: three)) {
            XCTAssertEqual($0 as? AlignmentError, .unsupportedLandmarkCount(3))
        }
        let five = Array(repeating: PixelPoint(x: 3, y: 3), count: 5)
        XCTAssertThrowsError(try FaceChipDetails(landmarks: five, size: 0)) {
            XCTAssertEqual($0 as? AlignmentError, .invalidChipGeometry(size: 0, padding: 0.25))
        }
        // Degenerate landmarks and empty images give black chips, not crashes.
        let tiny = Image(width: 2, height: 2, format: .rgb, fill: 200)
        let chip = tiny.extractChip(try FaceChipDetails(landmarks: five))
        XCTAssertEqual(chip.pixels.count, 150 * 150 * 3)
        let empty = Image(width: 0, height: 0, format: .gray, pixels: [])
        XCTAssertEqual(empty.extractChip(FaceChipDetails(rect: RealRect(left: 0, top: 0, right: 9, bottom: 9), angle: 0.1,
                                                          rows: 5, cols: 5)).pixels, [UInt8](repeating: 0, count: 25))
        var rng = DlibRandom()
        XCTAssertEqual(empty.jittered(using: &rng), empty)
    }
}
