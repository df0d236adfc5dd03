import Foundation
import VisageStore
import VisageTestSupport
import XCTest

/// The shared gallery behaviour (``GalleryConformance``, also run against PostgreSQL), run
/// against the SQLite gallery; each test gets its own file.
final class GalleryConformanceTests: XCTestCase {
    private var directory: TemporaryDirectory?

    private func opener() throws -> GalleryConformance.Opener {
        let directory = try TemporaryDirectory()
        self.directory = directory
        let path = directory.path("g.sqlite")
        return { model in try Gallery.open(path: path, model: model, create: true) }
    }

    func testPeopleRoundTrip() async throws { try await GalleryConformance.peopleRoundTrip(opener()) }
    func testDuplicateNames() async throws { try await GalleryConformance.duplicateNames(opener()) }
    func testUnknownPersonAndFace() async throws { try await GalleryConformance.unknownPersonAndFace(opener()) }
    func testInvalidNames() async throws { try await GalleryConformance.invalidNames(opener()) }
    func testRenameAndCascadingRemove() async throws { try await GalleryConformance.renameAndCascadingRemove(opener()) }
    func testMetadataReplacement() async throws { try await GalleryConformance.metadataReplacement(opener()) }
    func testEmbeddingsExact() async throws { try await GalleryConformance.embeddingsExact(opener()) }
    func testEnrolmentAllOrNothing() async throws { try await GalleryConformance.enrolmentAllOrNothing(opener()) }
    func testStatsAndCrops() async throws { try await GalleryConformance.statsAndCrops(opener()) }
    func testCalibrationPerModel() async throws { try await GalleryConformance.calibrationPerModel(opener()) }
    func testModelMismatch() async throws { try await GalleryConformance.modelMismatch(opener()) }
    func testVersionSeenByAnotherInstance() async throws {
        try await GalleryConformance.versionSeenByAnotherInstance(opener())
    }
    func testTwoConcurrentWriters() async throws {
        try await GalleryConformance.twoConcurrentWriters(opener(), perWriter: 100)
    }
}
