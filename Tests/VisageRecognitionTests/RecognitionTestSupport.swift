import Foundation
import VisageStore
import XCTest

/// A fresh temporary directory per test, removed afterwards.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-recognition-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A deterministic generator (SplitMix64) for test vectors.
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    mutating func vector(_ n: Int) -> [Float] { (0..<n).map { _ in float() } }
}

/// A face sample with a given embedding and a made-up image hash.
func face(_ embedding: [Float], seed: Int = 0) -> NewFace {
    NewFace(imageSHA256: String(format: "%064x", seed), box: FaceBox(left: 0, top: 0, right: 100, bottom: 100),
            quality: 1, embedding: embedding)
}

/// Asserts that an async expression throws an error equal to `expected`.
func assertThrows<T, E: Error & Equatable>(_ expected: E, file: StaticString = #filePath, line: UInt = #line,
                                            _ body: () async throws -> T) async {
    do {
        _ = try await body()
        XCTFail("expected \(expected)", file: file, line: line)
    } catch {
        XCTAssertEqual(error as? E, expected, "\(error)", file: file, line: line)
    }
}
