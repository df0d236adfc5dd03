import Foundation
import VisageStore
import XCTest

final class GalleryReembedTests: XCTestCase {
    func testReembedRebindsTheGalleryAtomically() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("g.sqlite")
        let gallery = try Gallery.open(path: path, model: testModel, create: true)
        try gallery.enroll(personName: "K", createIfMissing: true,
                           faces: [sampleFace(1, crop: Data([7])), sampleFace(2, crop: Data([8, 8]))])
        XCTAssertEqual(try Gallery.boundModel(path: path), testModel)
        let newModel = GalleryModel(id: "bigger", preprocessingVersion: 2, dimension: 2)
        // A failing encoder, a wrong size: nothing changes.
        XCTAssertThrowsError(try gallery.reembed(to: newModel) { _, _ in throw GalleryError.nonFiniteEmbedding })
        XCTAssertGalleryError(try gallery.reembed(to: newModel) { _, _ in [1, 2, 3] },
                              .dimensionMismatch(expected: 2, actual: 3))
        XCTAssertEqual(try Gallery.boundModel(path: path), testModel)
        XCTAssertEqual(try gallery.reembed(to: newModel) { crop, _ in [Float(crop.count), -1] }, 2)
        try gallery.close()
        XCTAssertEqual(try Gallery.boundModel(path: path), newModel)
        XCTAssertGalleryError(try Gallery.open(path: path, model: testModel), .modelMismatch(gallery: newModel, requested: testModel))
        let reopened = try Gallery.open(path: path, model: newModel)
        XCTAssertEqual(try reopened.allEmbeddings().matrix, [1, -1, 2, -1])
        try reopened.enroll(personName: "K", faces: [{ var f = sampleFace(); f.embedding = [0, 0]; return f }()])
        XCTAssertEqual(try reopened.stats().faces, 3)
    }

    func testReembedNeedsCrops() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        let ids = try gallery.enroll(personName: "L", createIfMissing: true, faces: [sampleFace(crop: Data([1])), sampleFace()])
        XCTAssertGalleryError(try gallery.reembed(to: GalleryModel(id: "x", preprocessingVersion: 1, dimension: 4)) { _, _ in [0, 0, 0, 0] },
                              .missingCrops(faces: [ids[1].rawValue]))
        XCTAssertEqual(try gallery.allEmbeddings().count, 2)
    }

    func testBoundModelOfMissingOrForeignFile() throws {
        let dir = try TemporaryDirectory()
        XCTAssertGalleryError(try Gallery.boundModel(path: dir.path("none.sqlite")), .notFound(path: dir.path("none.sqlite")))
        try Data("hello".utf8).write(to: dir.url.appendingPathComponent("text.sqlite"))
        XCTAssertThrowsError(try Gallery.boundModel(path: dir.path("text.sqlite"))) { error in
            guard case .corrupt? = error as? GalleryError else { return XCTFail("\(error)") }
        }
    }
}
