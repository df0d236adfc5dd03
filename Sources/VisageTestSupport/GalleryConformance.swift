import Foundation
import VisageStore

/// Behaviour checks that every ``VisageStore/GalleryStore`` backend must pass, written once and
/// run by the SQLite tests (VisageStoreTests) and the PostgreSQL tests (VisagePostgresTests).
///
/// Each check takes an ``Opener`` for a fresh, empty gallery location: every call opens that same
/// location again (the first call creates it), so checks can open a second instance or try
/// another model. A failed expectation throws ``Failure`` with the file and line of the check.
public enum GalleryConformance {
    /// Opens (creating on first use) the check's gallery location with a model.
    public typealias Opener = @Sendable (GalleryModel) async throws -> any GalleryStore

    /// A failed expectation.
    public struct Failure: Error, CustomStringConvertible {
        /// What was expected and what happened, with the check's source location.
        public let description: String
    }

    /// The model of the checks' galleries (4-dimensional embeddings).
    public static let model = GalleryModel(id: "test-encoder", preprocessingVersion: 1, dimension: 4)

    /// A valid face whose embedding is `[seed, seed + 1, seed + 2, seed + 3]`.
    public static func sampleFace(_ seed: Float = 0, crop: Data? = nil) -> NewFace {
        NewFace(imageSHA256: String(repeating: "ab", count: 32),
                box: FaceBox(left: 10, top: 20, right: 110, bottom: 140),
                landmarks: [FacePoint(x: 30.5, y: 40.25), FacePoint(x: 70, y: 41)],
                quality: 0.875, crop: crop, embedding: [seed, seed + 1, seed + 2, seed + 3])
    }

    // MARK: Expectations

    static func expect(_ condition: Bool, _ message: @autoclosure () -> String,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        if !condition { throw Failure(description: "\(file):\(line): \(message())") }
    }

    static func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String = "",
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        try expect(actual == expected, "\(what.isEmpty ? "" : what + ": ")expected \(expected), got \(actual)",
                   file: file, line: line)
    }

    /// Expects `body` to throw exactly `expected`.
    static func expectError<T>(_ expected: GalleryError, file: StaticString = #filePath, line: UInt = #line,
                               _ body: () async throws -> T) async throws {
        do {
            _ = try await body()
        } catch let error as GalleryError {
            try expectEqual(error, expected, "error", file: file, line: line)
            return
        } catch {
            throw Failure(description: "\(file):\(line): expected \(expected), got \(type(of: error)): \(error)")
        }
        throw Failure(description: "\(file):\(line): expected \(expected), but nothing was thrown")
    }

    /// Expects `body` to throw some ``VisageStore/GalleryError`` (for cases whose text varies).
    static func expectSomeGalleryError<T>(file: StaticString = #filePath, line: UInt = #line,
                                          _ body: () async throws -> T) async throws {
        do {
            _ = try await body()
        } catch is GalleryError {
            return
        } catch {
            throw Failure(description: "\(file):\(line): expected a GalleryError, got \(type(of: error)): \(error)")
        }
        throw Failure(description: "\(file):\(line): expected a GalleryError, but nothing was thrown")
    }
}
