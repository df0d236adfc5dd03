import Foundation
import Visage
import VisageTestSupport
import XCTest

/// SHA-256 against values from Python's hashlib, at lengths around the padding and chunk edges.
final class ModelStoreDigestTests: XCTestCase {
    private func digest(of bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-digest-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try ModelStore.sha256Hex(ofFileAt: url)
    }

    /// The bytes `(i * 7 + 3) % 251` for i in 0..<count, as in the Python that made the values.
    private func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(($0 * 7 + 3) % 251) }
    }

    func testStandardVector() throws {
        XCTAssertEqual(try digest(of: Array("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testPaddingAndChunkEdges() throws {
        let expected: [(Int, String)] = [
            (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5"),
            (55, "1deace58c745f3ecadde68a5923f494c3703fa73f0306483ccb898a5826e8d70"),
            (56, "06dbe23685750e4d3881ded95047abaf93fa8f9c5d3501dc57c717a72ff1398e"),
            (63, "47fb38b12335c9298d09280515c0666489a189d1554bb0ac1a0740806ce9d8b6"),
            (64, "dfa798724b1a8014994f363e5da7474ed26ce3757fb29e07aa47ad5a9352d37b"),
            (65, "dd2eab5a5507d7717c63ce953d9ac61752c21e664425ad1227054722a0d97f69"),
            (119, "c6e0f435df5d7d265baacca31e0602c00aa22fa6d3819aed664649294c743756"),
            (120, "17eb8960823a644bde3065620bb9d45931fe8993fd8eb692a17aff0fd725db6a"),
            (1 << 20, "1ac437f476c488acba4000af7ae89ef53f7ffbeef2e937850985f5ceb8b5ae6f"),
            ((1 << 20) + 1, "e42cda7f3d5f4472e6a826c1ae97c1d3933ba23ef486e8df5814889b7af6f7c4"),
            (3 * (1 << 20) + 17, "b94a81035474d847a7b5f270ed72d10d51a5643254d6495dce93e2022aa22ac7"),
        ]
        for (count, hex) in expected {
            XCTAssertEqual(try digest(of: pattern(count)), hex, "length \(count)")
        }
    }

    func testUnreadableFileThrows() {
        let url = URL(fileURLWithPath: "/nonexistent/visage/file")
        XCTAssertThrowsError(try ModelStore.sha256Hex(ofFileAt: url))
    }
}
