import Foundation
import VisageStore
import XCTest

/// A fresh temporary directory per test, removed afterwards.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    deinit { try? FileManager.default.removeItem(at: url) }
}

let testModel = GalleryModel(id: "test-encoder", preprocessingVersion: 1, dimension: 4)

/// A valid face whose embedding is `[seed, seed + 1, seed + 2, seed + 3]`.
func sampleFace(_ seed: Float = 0, crop: Data? = nil) -> NewFace {
    NewFace(imageSHA256: String(repeating: "ab", count: 32),
            box: FaceBox(left: 10, top: 20, right: 110, bottom: 140),
            landmarks: [FacePoint(x: 30.5, y: 40.25), FacePoint(x: 70, y: 41)],
            quality: 0.875, crop: crop, embedding: [seed, seed + 1, seed + 2, seed + 3])
}

func XCTAssertGalleryError<T>(_ expression: @autoclosure () throws -> T, _ expected: GalleryError,
                              file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        XCTAssertEqual(error as? GalleryError, expected, "\(error)", file: file, line: line)
    }
}
