import Foundation
import VisageFormats
import VisageTestSupport
import XCTest

final class ChecksumTests: XCTestCase {
    private func sha(_ text: String) -> String { SHA256.hexString(Array(text.utf8)) }

    func testSHA256KnownVectors() {
        // FIPS 180-4 / NIST examples.
        XCTAssertEqual(sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(sha("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        XCTAssertEqual(SHA256.hexString([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        XCTAssertEqual(SHA256.hash(Array("abc".utf8)).count, SHA256.digestByteCount)
    }

    func testSHA256PaddingBoundaries() {
        // Lengths around the 55/56/64-byte padding edges, checked against sha256sum.
        XCTAssertEqual(SHA256.hexString([UInt8](repeating: 0x61, count: 55)),
                       "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(SHA256.hexString([UInt8](repeating: 0x61, count: 56)),
                       "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        XCTAssertEqual(SHA256.hexString([UInt8](repeating: 0x61, count: 64)),
                       "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func testSHA256StreamingEqualsOneShot() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hash(message)
        for split in [0, 1, 55, 63, 64, 65, 128, 999, 1000] {
            var hasher = SHA256()
            hasher.update(Array(message[..<split]))
            hasher.update([])
            hasher.update(Array(message[split...]))
            XCTAssertEqual(hasher.finalize(), expected, "split at \(split)")
        }
        var bytewise = SHA256()
        for byte in message { bytewise.update([byte]) }
        XCTAssertEqual(bytewise.finalize(), expected)
    }

    func testSHA256OfFileMatchesSHA256SUMS() throws {
        let url = try TestData.shared("reference/facenet160/h5_weights.json")
        XCTAssertEqual(SHA256.hex(try SHA256.hash(contentsOf: url)),
                       "f45d96343e762e1b8aef809a27bf9772c64eca6f1fb76636c11a6326cb9ae282")
        let missing = URL(fileURLWithPath: "/nonexistent/visage-file")
        XCTAssertThrowsError(try SHA256.hash(contentsOf: missing)) { error in
            guard case ChecksumError.unreadable(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing.path)
        }
    }

    func testCRC32MatchesZlib() {
        XCTAssertEqual(CRC32.checksum(""), 0)
        XCTAssertEqual(CRC32.checksum("123456789"), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum("The quick brown fox jumps over the lazy dog"), 0x414F_A339)
        // Seeds of the OpenFace fill recipe (reference/README.md).
        XCTAssertEqual(CRC32.checksum("inception_3c_3x3_conv2"), 0xC4D2_F517)
        XCTAssertEqual(CRC32.checksum("inception_4e_3x3_conv2"), 0x58FF_D6DB)
        XCTAssertEqual(CRC32.checksum("inception_5a_1x1_conv"), 0x5F78_63E5)
        XCTAssertEqual(CRC32.checksum("inception_5a_3x3_conv2"), 0x7383_E936)
        XCTAssertEqual(CRC32.checksum("inception_5b_3x3_conv2"), 0xEA61_8F37)
        let bytes = Array("123456789".utf8)
        XCTAssertEqual(CRC32.checksum(Array(bytes[4...]), continuing: CRC32.checksum(Array(bytes[..<4]))), 0xCBF4_3926)
    }
}
