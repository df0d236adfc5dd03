import Foundation
import VisagePostgres
import VisageStore
import VisageTestSupport
import XCTest

/// The shared gallery behaviour (``GalleryConformance``), run against PostgreSQL; each test gets
/// its own schema on the throw-away server.
final class PostgresConformanceTests: XCTestCase {
    private var opened = OpenedGalleries()

    override func tearDown() async throws {
        await opened.closeAll()
    }

    /// Opens galleries in one fresh schema, remembering them so that tearDown closes them.
    private func opener() throws -> GalleryConformance.Opener {
        let url = try TestPostgres.freshURL()
        let opened = self.opened
        return { model in
            let gallery = try await PostgresGallery.open(url: url, model: model)
            opened.add(gallery)
            return gallery
        }
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

    func testCropBytesRoundTrip() async throws {
        let url = try TestPostgres.freshURL()
        let gallery = try await PostgresGallery.open(url: url, model: GalleryConformance.model)
        opened.add(gallery)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0, 255, 1])
        let ids = try await gallery.enroll(personName: "C", createIfMissing: true,
                                           faces: [GalleryConformance.sampleFace(crop: png), GalleryConformance.sampleFace()])
        let first = try await gallery.crop(of: ids[0])
        let second = try await gallery.crop(of: ids[1])
        XCTAssertEqual(first, png)
        XCTAssertNil(second)
        do {
            _ = try await gallery.crop(of: FaceID(rawValue: 999_999))
            XCTFail("expected unknownFace")
        } catch {
            XCTAssertEqual(error as? GalleryError, .unknownFace(id: 999_999))
        }
    }
}

/// Galleries opened by a test, closed in tearDown.
final class OpenedGalleries: @unchecked Sendable {
    private let lock = NSLock()
    private var galleries: [PostgresGallery] = []

    func add(_ gallery: PostgresGallery) {
        lock.lock(); galleries.append(gallery); lock.unlock()
    }

    func closeAll() async {
        lock.lock(); let all = galleries; galleries = []; lock.unlock()
        for gallery in all { await gallery.close() }
    }
}
