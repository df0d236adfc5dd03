import VisageImage
import VisageTestSupport
import XCTest

/// Resizing: Pillow-exact for every filter, and the Keras 96 → 160 nearest resize.
final class ResizeTests: XCTestCase {
    /// FNV-1a hashes of Pillow 13's `Image.fromarray(pattern 24x18).resize((w, h), filter)`,
    /// for the RGB pattern and its first channel as an "L" image (see Fixtures.pattern).
    static let pillowHashes: [(String, Int, Int, ResizeFilter, UInt64)] = [
        ("rgb", 20, 15, .nearest, 0x84a0adb8336dcf4f),
        ("rgb", 20, 15, .box, 0xf29a104001a9b99d),
        ("rgb", 20, 15, .bilinear, 0xc3b7e5f0be006d82),
        ("rgb", 20, 15, .bicubic, 0x733d0bf866f8d46a),
        ("rgb", 20, 15, .lanczos, 0x28c7a63149d1495d),
        ("rgb", 8, 6, .nearest, 0x0b8f211dc719a335),
        ("rgb", 8, 6, .box, 0x3d86274498cd8d34),
        ("rgb", 8, 6, .bilinear, 0x0c4eda6bba49e0d1),
        ("rgb", 8, 6, .bicubic, 0x4ae82359f34ade31),
        ("rgb", 8, 6, .lanczos, 0x92ad3db5c312efe3),
        ("rgb", 9, 31, .nearest, 0xe29352ba38a79f68),
        ("rgb", 9, 31, .box, 0xf4121d65ec9ec0ee),
        ("rgb", 9, 31, .bilinear, 0x8c42844d0ca4267c),
        ("rgb", 9, 31, .bicubic, 0x073ec1ddcddf2557),
        ("rgb", 9, 31, .lanczos, 0x2f280b6d05ffd88b),
        ("rgb", 40, 11, .nearest, 0x12d8d13c6f1d7545),
        ("rgb", 40, 11, .box, 0x3a55d618fd8bf595),
        ("rgb", 40, 11, .bilinear, 0xe81ea6411f3ca36c),
        ("rgb", 40, 11, .bicubic, 0x7657dc3fda473372),
        ("rgb", 40, 11, .lanczos, 0xb716c02868b368c3),
        ("rgb", 5, 3, .nearest, 0x44ed60354fb5272a),
        ("rgb", 5, 3, .box, 0x0e415b42c964c7e1),
        ("rgb", 5, 3, .bilinear, 0x883dcb9e7fc3ca88),
        ("rgb", 5, 3, .bicubic, 0x490fc7d1b93a0fd9),
        ("rgb", 5, 3, .lanczos, 0xb471f494728abcc0),
        ("rgb", 48, 36, .nearest, 0xad6181c0ae4f2005),
        ("rgb", 48, 36, .box, 0xad6181c0ae4f2005),
        ("rgb", 48, 36, .bilinear, 0xa67fecb6cf722bec),
        ("rgb", 48, 36, .bicubic, 0x1b4e3b11010834b4),
        ("rgb", 48, 36, .lanczos, 0xe8511add0e606205),
        ("rgb", 24, 7, .nearest, 0xb38a58430aec92e5),
        ("rgb", 24, 7, .box, 0x2bcb3762663fe26e),
        ("rgb", 24, 7, .bilinear, 0xf28e4dfb11719e0a),
        ("rgb", 24, 7, .bicubic, 0x52ab1e581e555ff3),
        ("rgb", 24, 7, .lanczos, 0x40699a4d048265c9),
        ("rgb", 1, 1, .nearest, 0x2f59ea189ca34546),
        ("rgb", 1, 1, .box, 0x9d66c2196c9b9221),
        ("rgb", 1, 1, .bilinear, 0x9d6c8e196c9fa573),
        ("rgb", 1, 1, .bicubic, 0x9d6a28196c9e754a),
        ("rgb", 1, 1, .lanczos, 0x9d6a28196c9e754a),
        ("gray", 20, 15, .nearest, 0x1903b340b50ada7f),
        ("gray", 20, 15, .box, 0xe86fdadd34705385),
        ("gray", 20, 15, .bilinear, 0xf7bd44589ac87fbd),
        ("gray", 20, 15, .bicubic, 0xff01a4401962e286),
        ("gray", 20, 15, .lanczos, 0x53af708eaebe08cd),
        ("gray", 8, 6, .nearest, 0xdbc9294e346f5f25),
        ("gray", 8, 6, .box, 0x3650d3e8c8a924ec),
        ("gray", 8, 6, .bilinear, 0xf5cf6d7544c62e99),
        ("gray", 8, 6, .bicubic, 0xd1c1990ce55fac39),
        ("gray", 8, 6, .lanczos, 0xd8b795df766f04dc),
        ("gray", 9, 31, .nearest, 0x773c66caf61462dd),
        ("gray", 9, 31, .box, 0xdca1fc53a3161907),
        ("gray", 9, 31, .bilinear, 0xbcc588f3df6544fb),
        ("gray", 9, 31, .bicubic, 0xde4637d61e5dd9eb),
        ("gray", 9, 31, .lanczos, 0xbe521f8b70e03bba),
        ("gray", 40, 11, .nearest, 0xb571d5c75bc153e5),
        ("gray", 40, 11, .box, 0xf5adffaf3e452885),
        ("gray", 40, 11, .bilinear, 0x48e43574d09e2040),
        ("gray", 40, 11, .bicubic, 0x85888c852d1c03ee),
        ("gray", 40, 11, .lanczos, 0xd7855d3a08f07277),
        ("gray", 5, 3, .nearest, 0xb9da0ee04a5fc957),
        ("gray", 5, 3, .box, 0x0196e55529000f21),
        ("gray", 5, 3, .bilinear, 0x425bde0d732f5d1c),
        ("gray", 5, 3, .bicubic, 0x8b85169838159ac0),
        ("gray", 5, 3, .lanczos, 0x6f4d866e187b6ddf),
        ("gray", 48, 36, .nearest, 0xf8d5bf5be004c5c5),
        ("gray", 48, 36, .box, 0xf8d5bf5be004c5c5),
        ("gray", 48, 36, .bilinear, 0x939494aa44dfa768),
        ("gray", 48, 36, .bicubic, 0x19bfeb791df35aae),
        ("gray", 48, 36, .lanczos, 0xf35ad501eac303cb),
        ("gray", 24, 7, .nearest, 0x23d1aa34d05ab325),
        ("gray", 24, 7, .box, 0xf67c4a6c20bc48f4),
        ("gray", 24, 7, .bilinear, 0x5c1e55135b28aec2),
        ("gray", 24, 7, .bicubic, 0x55c1f6ae90f86e44),
        ("gray", 24, 7, .lanczos, 0x7a9f1132354ba3f5),
        ("gray", 1, 1, .nearest, 0xaf63c74c8601c8dd),
        ("gray", 1, 1, .box, 0xaf63f14c8602103b),
        ("gray", 1, 1, .bilinear, 0xaf63f14c8602103b),
        ("gray", 1, 1, .bicubic, 0xaf63f14c8602103b),
        ("gray", 1, 1, .lanczos, 0xaf63f14c8602103b),
        // Around Pillow 13's pass-order switch, H - h = 2 (W - w):
        ("rgb", 16, 1, .box, 0x0e6f4fd0cd1928a1),
        ("rgb", 16, 1, .bilinear, 0x518590d92237f94c),
        ("rgb", 16, 1, .bicubic, 0x3a242382b0b17b90),
        ("rgb", 16, 1, .lanczos, 0x496434e9a6368c0f),
        ("rgb", 16, 2, .box, 0x93ade1441d709129),
        ("rgb", 16, 2, .bilinear, 0x4ca9486ab5cd329d),
        ("rgb", 16, 2, .bicubic, 0xf96ef681b7aac35b),
        ("rgb", 16, 2, .lanczos, 0x2162637cda88ffa8),
        ("rgb", 16, 3, .box, 0x8f46a9d86fc0b535),
        ("rgb", 16, 3, .bilinear, 0x4b645e8d79425f2c),
        ("rgb", 16, 3, .bicubic, 0x9eed0347d8ec1ebc),
        ("rgb", 16, 3, .lanczos, 0xa338030a2b2b435f),
        ("rgb", 17, 3, .box, 0x22b9dcdd692ad01d),
        ("rgb", 17, 3, .bilinear, 0xf16c53fafef437aa),
        ("rgb", 17, 3, .bicubic, 0xd8609f6ef8ffd6ac),
        ("rgb", 17, 3, .lanczos, 0x6491a66e364de6c6),
        ("rgb", 17, 4, .box, 0x46ec05a043123500),
        ("rgb", 17, 4, .bilinear, 0xa8ea520616ae82a9),
        ("rgb", 17, 4, .bicubic, 0xc86630b53fb8a815),
        ("rgb", 17, 4, .lanczos, 0x1f07072c374ac757),
        ("rgb", 17, 5, .box, 0xbe9f5baacc8a450b),
        ("rgb", 17, 5, .bilinear, 0x14b5378fde5f1622),
        ("rgb", 17, 5, .bicubic, 0xb9dbcfa0f24807ee),
        ("rgb", 17, 5, .lanczos, 0x8671f2ba629d60a8),
        ("rgb", 20, 9, .box, 0x2a86479b115fe6bd),
        ("rgb", 20, 9, .bilinear, 0xca2a32b1116100fe),
        ("rgb", 20, 9, .bicubic, 0x695c012d5ad657b7),
        ("rgb", 20, 9, .lanczos, 0xe4f392e576c8e29f),
        ("rgb", 20, 10, .box, 0x223ab7aa78fd237d),
        ("rgb", 20, 10, .bilinear, 0xef160e7d511784e2),
        ("rgb", 20, 10, .bicubic, 0x11e7c65ae9bd0692),
        ("rgb", 20, 10, .lanczos, 0x22f4aa01802ebc9b),
        ("rgb", 20, 11, .box, 0xcb97b399a026a8ed),
        ("rgb", 20, 11, .bilinear, 0xe6aede2a2679427e),
        ("rgb", 20, 11, .bicubic, 0x1fd55c819bcb4e1b),
        ("rgb", 20, 11, .lanczos, 0xee69ccbca02d2302),
        ("rgb", 22, 13, .box, 0x0309522f5e74be0f),
        ("rgb", 22, 13, .bilinear, 0xde00d03a9ffa4b87),
        ("rgb", 22, 13, .bicubic, 0x4688e42ef1882937),
        ("rgb", 22, 13, .lanczos, 0xb4830f79b34e3532),
        ("rgb", 22, 14, .box, 0x5bdb5f927ef845c7),
        ("rgb", 22, 14, .bilinear, 0x612a1249b216be6b),
        ("rgb", 22, 14, .bicubic, 0x54ef4661eb1a4a7a),
        ("rgb", 22, 14, .lanczos, 0xd65374529329a680),
        ("rgb", 22, 15, .box, 0xd81f356906638715),
        ("rgb", 22, 15, .bilinear, 0x8e514eec54223400),
        ("rgb", 22, 15, .bicubic, 0x9063dac725f9aeb8),
        ("rgb", 22, 15, .lanczos, 0x5fa1fb192be02911),
        ("rgb", 23, 15, .box, 0x72d038162f0bee7e),
        ("rgb", 23, 15, .bilinear, 0x54fd458ca139b55d),
        ("rgb", 23, 15, .bicubic, 0x7e464b3dd6d77eb5),
        ("rgb", 23, 15, .lanczos, 0x5dfce7c5c909b3c3),
        ("rgb", 23, 16, .box, 0xc73bad099fdecbef),
        ("rgb", 23, 16, .bilinear, 0xc1de2482882427af),
        ("rgb", 23, 16, .bicubic, 0x7888211416d7652d),
        ("rgb", 23, 16, .lanczos, 0xf713b39fb27e8ce3),
        ("rgb", 23, 17, .box, 0xa08f9535d0ff4b27),
        ("rgb", 23, 17, .bilinear, 0x6bf1724eabdb5e9c),
        ("rgb", 23, 17, .bicubic, 0xc5e0b7cd89a41bf3),
        ("rgb", 23, 17, .lanczos, 0x2e00c8bb3ed63c61),
        ("rgb", 30, 5, .box, 0x1fd042a68c0262cb),
        ("rgb", 30, 5, .bilinear, 0x17066b60b8008c09),
        ("rgb", 30, 5, .bicubic, 0x40c96d5cadba3f5c),
        ("rgb", 30, 5, .lanczos, 0x2771efa34accd93b),
        ("rgb", 12, 2, .box, 0x82a5237c6f3ae823),
        ("rgb", 12, 2, .bilinear, 0xc9d9327b4580358e),
        ("rgb", 12, 2, .bicubic, 0x2d566d978d0da1c0),
        ("rgb", 12, 2, .lanczos, 0x630864dec40c559d),
        ("rgb", 13, 17, .box, 0xec62ee4023aef891),
        ("rgb", 13, 17, .bilinear, 0x172582381e8df0b5),
        ("rgb", 13, 17, .bicubic, 0xd4f25d651f57645e),
        ("rgb", 13, 17, .lanczos, 0xbb7d5ff76331e63e),
        ("rgb", 2, 17, .box, 0x1462cd23554ac33d),
        ("rgb", 2, 17, .bilinear, 0xfbe1336da42f5ed8),
        ("rgb", 2, 17, .bicubic, 0xe2f25cf46992f387),
        ("rgb", 2, 17, .lanczos, 0x894a0cb25520c564),
        ("rgb", 47, 1, .box, 0x8254bba64d772af6),
        ("rgb", 47, 1, .bilinear, 0x90819ade22b718f5),
        ("rgb", 47, 1, .bicubic, 0xc90438f22bf9d9b0),
        ("rgb", 47, 1, .lanczos, 0x67107303de7c8d50),
    ]

    func testEveryFilterMatchesPillow() throws {
        var mismatches: [String] = []
        for (kind, w, h, filter, hash) in Self.pillowHashes {
            let source = Fixtures.patternImage(width: 24, height: 18, format: kind == "rgb" ? .rgb : .gray)
            let out = try source.resized(width: w, height: h, filter: filter)
            XCTAssertEqual([out.width, out.height], [w, h])
            if Fixtures.fnv1a(out.pixels) != hash { mismatches.append("\(kind) \(w)x\(h) \(filter)") }
        }
        XCTAssertEqual(mismatches, [], "differs from Pillow")
    }

    func testNearestFollowsPillowStepsWhereTheExactFormulaTies() throws {
        // 24 → 20: (x+½)·1.2 is exactly 15 at x = 12, but Pillow's running sum gives 14.999…
        let row = Image(width: 24, height: 1, format: .gray, pixels: (0..<24).map(UInt8.init))
        let out = try row.resized(width: 20, height: 1, filter: .nearest)
        XCTAssertEqual(out.pixels, [0, 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19, 20, 22, 23])
    }

    func testCourseImage96To160NearestMatchesTheKerasFormula() throws {
        let image = try Image.load(path: TestData.shared("reference/pixels/libjpeg-turbo/camera_0.ppm").path)
        XCTAssertEqual([image.width, image.height], [96, 96])
        let out = try image.resized(width: 160, height: 160, filter: .nearest)
        var expected = [UInt8](repeating: 0, count: 160 * 160 * 3)
        for y in 0..<160 {
            let sy = (2 * y + 1) * 96 / 320  // ⌊(y + ½)·96/160⌋ in integers
            for x in 0..<160 {
                let sx = (2 * x + 1) * 96 / 320
                for c in 0..<3 { expected[(y * 160 + x) * 3 + c] = image.pixels[(sy * 96 + sx) * 3 + c] }
            }
        }
        XCTAssertTrue(out.pixels == expected)
    }

    func testSameSizeIsACopyAndBadSizesThrow() throws {
        let image = Fixtures.patternImage(width: 5, height: 4, format: .rgb)
        for filter in ResizeFilter.allCases {
            XCTAssertEqual(try image.resized(width: 5, height: 4, filter: filter), image)
        }
        XCTAssertThrowsError(try image.resized(width: 0, height: 4))
        XCTAssertThrowsError(try image.resized(width: 3, height: -1))
        XCTAssertThrowsError(try image.resized(width: Int.max / 2, height: Int.max / 2))
        XCTAssertThrowsError(try Image(width: 0, height: 0, format: .gray).resized(width: 3, height: 3))
    }

    func testConstantImageStaysConstant() throws {
        let flat = Image(width: 13, height: 9, format: .rgb, fill: 77)
        for filter in ResizeFilter.allCases {
            for (w, h) in [(5, 3), (31, 20), (13, 4), (2, 9)] {
                XCTAssertEqual(try flat.resized(width: w, height: h, filter: filter).pixels,
                               [UInt8](repeating: 77, count: w * h * 3), "\(filter) \(w)x\(h)")
            }
        }
    }

    func testHalvingByHand() throws {
        let image = Image(width: 4, height: 1, format: .gray, pixels: [10, 20, 100, 201])
        // Box averages pairs (150.5 rounds up); bilinear's support doubles when shrinking:
        // weights 3/7, 3/7, 1/7 → 10·3/7 + 20·3/7 + 100/7 = 27.1.
        XCTAssertEqual(try image.resized(width: 2, height: 1, filter: .box).pixels, [15, 151])
        XCTAssertEqual(try image.resized(width: 2, height: 1, filter: .bilinear).pixels, [27, 132])
    }
}
