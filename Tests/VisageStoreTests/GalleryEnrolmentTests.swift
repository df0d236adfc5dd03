import Foundation
import VisageStore
import XCTest

final class GalleryEnrolmentTests: XCTestCase {
    func testEmbeddingsMatrixIsContiguousAndExact() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        var odd = sampleFace()
        odd.embedding = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        let a = try gallery.enroll(personName: "A", createIfMissing: true, faces: [sampleFace(1), odd])
        let b = try gallery.enroll(personName: "B", createIfMissing: true, faces: [sampleFace(7)])
        let all = try gallery.allEmbeddings()
        XCTAssertEqual(all.ids, a + b)
        XCTAssertEqual(all.names, ["A", "A", "B"])
        XCTAssertEqual(all.personIDs[0], all.personIDs[1])
        XCTAssertNotEqual(all.personIDs[0], all.personIDs[2])
        XCTAssertEqual(all.dimension, 4)
        XCTAssertEqual(all.matrix.map(\.bitPattern),
                       ([1, 2, 3, 4] + odd.embedding + [7, 8, 9, 10]).map(\.bitPattern))
        XCTAssertEqual(all.version, try gallery.version())
    }

    func testEnrolmentIsAllOrNothing() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        var short = sampleFace()
        short.embedding = [1, 2, 3]
        XCTAssertGalleryError(try gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), short]),
                              .dimensionMismatch(expected: 4, actual: 3))
        var nan = sampleFace()
        nan.embedding[2] = .nan
        XCTAssertGalleryError(try gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), nan]),
                              .nonFiniteEmbedding)
        var badHash = sampleFace()
        badHash.imageSHA256 = "ABC"
        XCTAssertThrowsError(try gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), badHash]))
        var emptyBox = sampleFace()
        emptyBox.box.right = emptyBox.box.left
        XCTAssertThrowsError(try gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), emptyBox]))
        let stats = try gallery.stats()
        XCTAssertEqual(stats.people, 0, "the person created by a failed enrolment must be rolled back")
        XCTAssertEqual(stats.faces, 0)
        XCTAssertEqual(stats.version, 0)
    }

    func testCropsAreStoredAndCounted() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
        let ids = try gallery.enroll(personName: "C", createIfMissing: true, faces: [sampleFace(crop: png), sampleFace()])
        XCTAssertEqual(try gallery.crop(of: ids[0]), png)
        XCTAssertNil(try gallery.crop(of: ids[1]))
        XCTAssertGalleryError(try gallery.crop(of: FaceID(rawValue: 999)), .unknownFace(id: 999))
        let stats = try gallery.stats()
        XCTAssertEqual(stats.facesWithCrops, 1)
        XCTAssertEqual(stats.schemaMigrations, ["v1-gallery"])
        XCTAssertGreaterThan(stats.fileBytes, 0)
    }

    func testCalibrationPerModel() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        XCTAssertNil(try gallery.calibration())
        try gallery.setCalibration(#"{"threshold":0.6}"#)
        try gallery.setCalibration(#"{"threshold":0.55}"#)
        try gallery.setCalibration("[1,2]", modelID: "other")
        XCTAssertEqual(try gallery.calibration(), #"{"threshold":0.55}"#)
        XCTAssertEqual(try gallery.calibration(modelID: "other"), "[1,2]")
        XCTAssertThrowsError(try gallery.setCalibration("{nope"))
        XCTAssertEqual(try gallery.stats().calibrations, 2)
    }

    func testVersionGrowsWithEveryWriteAndIsSeenByOtherInstances() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("g.sqlite")
        let writer = try Gallery.open(path: path, model: testModel, create: true)
        let reader = try Gallery.open(path: path, model: testModel, mode: .readOnly)
        let v0 = try reader.version()
        try writer.enroll(personName: "V", createIfMissing: true, faces: [sampleFace()])
        let v1 = try reader.version()
        XCTAssertGreaterThan(v1, v0)
        try writer.removePerson("V")
        XCTAssertGreaterThan(try reader.version(), v1)
        XCTAssertEqual(try reader.allEmbeddings().count, 0)
    }
}
