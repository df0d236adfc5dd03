import Foundation
import VisageStore

extension GalleryConformance {
    /// The embedding matrix is contiguous, in face-id order, and bit-exact.
    public static func embeddingsExact(_ open: Opener) async throws {
        let gallery = try await open(model)
        var odd = sampleFace()
        odd.embedding = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        let a = try await gallery.enroll(personName: "A", createIfMissing: true, faces: [sampleFace(1), odd])
        let b = try await gallery.enroll(personName: "B", createIfMissing: true, faces: [sampleFace(7)])
        let all = try await gallery.allEmbeddings()
        try expectEqual(all.ids, a + b)
        try expectEqual(all.names, ["A", "A", "B"])
        try expectEqual(all.personIDs[0], all.personIDs[1])
        try expect(all.personIDs[0] != all.personIDs[2], "two owners")
        try expectEqual(all.dimension, 4)
        try expectEqual(all.matrix.map(\.bitPattern), ([1, 2, 3, 4] + odd.embedding + [7, 8, 9, 10]).map(\.bitPattern),
                        "bit patterns")
        try expectEqual(all.version, try await gallery.version())
    }

    /// A batch with one bad face writes nothing, not even the person it would have created.
    public static func enrolmentAllOrNothing(_ open: Opener) async throws {
        let gallery = try await open(model)
        var short = sampleFace()
        short.embedding = [1, 2, 3]
        try await expectError(.dimensionMismatch(expected: 4, actual: 3)) {
            try await gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), short])
        }
        var nan = sampleFace()
        nan.embedding[2] = .nan
        try await expectError(.nonFiniteEmbedding) {
            try await gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), nan])
        }
        var badHash = sampleFace()
        badHash.imageSHA256 = "ABC"
        try await expectSomeGalleryError {
            try await gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), badHash])
        }
        var emptyBox = sampleFace()
        emptyBox.box.right = emptyBox.box.left
        try await expectSomeGalleryError {
            try await gallery.enroll(personName: "New", createIfMissing: true, faces: [sampleFace(), emptyBox])
        }
        let stats = try await gallery.stats()
        try expectEqual(stats.people, 0, "the person created by a failed enrolment must be rolled back")
        try expectEqual(stats.faces, 0)
        try expectEqual(stats.version, 0)
    }

    /// Crops are counted; statistics list the schema migration and a non-zero size.
    public static func statsAndCrops(_ open: Opener) async throws {
        let gallery = try await open(model)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0, 1, 2, 3])
        _ = try await gallery.enroll(personName: "C", createIfMissing: true, faces: [sampleFace(crop: png), sampleFace()])
        try expect(try await gallery.faces(of: "C").map(\.hasCrop) == [true, false], "hasCrop")
        let stats = try await gallery.stats()
        try expectEqual(stats.people, 1)
        try expectEqual(stats.faces, 2)
        try expectEqual(stats.facesWithCrops, 1)
        try expectEqual(stats.schemaMigrations, ["v1-gallery"])
        try expectEqual(stats.model, model)
        try expect(stats.fileBytes > 0, "fileBytes > 0")
    }

    /// Calibration is stored per model, replaced on update, and must be JSON.
    public static func calibrationPerModel(_ open: Opener) async throws {
        let gallery = try await open(model)
        try expect(try await gallery.calibration(modelID: nil) == nil, "no calibration yet")
        try await gallery.setCalibration(#"{"threshold":0.6}"#, modelID: nil)
        try await gallery.setCalibration(#"{"threshold":0.55}"#, modelID: nil)
        try await gallery.setCalibration("[1,2]", modelID: "other")
        try expectEqual(try await gallery.calibration(modelID: nil), #"{"threshold":0.55}"#)
        try expectEqual(try await gallery.calibration(modelID: model.id), #"{"threshold":0.55}"#)
        try expectEqual(try await gallery.calibration(modelID: "other"), "[1,2]")
        try await expectSomeGalleryError { try await gallery.setCalibration("{nope", modelID: nil) }
        try expectEqual(try await gallery.stats().calibrations, 2)
    }

    /// A gallery bound to one model refuses every other model and keeps its data.
    public static func modelMismatch(_ open: Opener) async throws {
        _ = try await open(model).enroll(personName: "M", createIfMissing: true, faces: [sampleFace()])
        for other in [GalleryModel(id: "other", preprocessingVersion: 1, dimension: 4),
                      GalleryModel(id: model.id, preprocessingVersion: 2, dimension: 4),
                      GalleryModel(id: model.id, preprocessingVersion: 1, dimension: 128)] {
            try await expectError(.modelMismatch(gallery: model, requested: other)) { try await open(other) }
        }
        try expectEqual(try await open(model).stats().faces, 1)
    }

    /// Every committed write raises the version, as seen by a second instance.
    public static func versionSeenByAnotherInstance(_ open: Opener) async throws {
        let writer = try await open(model)
        let reader = try await open(model)
        let v0 = try await reader.version()
        _ = try await writer.enroll(personName: "V", createIfMissing: true, faces: [sampleFace()])
        let v1 = try await reader.version()
        try expect(v1 > v0, "version grows after an enrolment (\(v0) -> \(v1))")
        try expectEqual(try await reader.allEmbeddings().names, ["V"])
        try await writer.setCalibration("{}", modelID: nil)
        let v2 = try await reader.version()
        try expect(v2 > v1, "version grows after a calibration (\(v1) -> \(v2))")
        try await writer.removePerson("V")
        try expect(try await reader.version() > v2, "version grows after a removal")
        try expectEqual(try await reader.allEmbeddings().count, 0)
    }

    /// Two instances enrol at the same time: every write lands, exactly once, and is counted.
    public static func twoConcurrentWriters(_ open: Opener, perWriter: Int = 100) async throws {
        let first = try await open(model)
        let second = try await open(model)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (w, gallery) in [first, second].enumerated() {
                group.addTask {
                    for i in 0..<perWriter {
                        _ = try await gallery.enroll(personName: "w\(w)-\(i % 20)", createIfMissing: true,
                                                     faces: [sampleFace(Float(i))])
                    }
                }
            }
            try await group.waitForAll()
        }
        let stats = try await second.stats()
        try expectEqual(stats.people, 40)
        try expectEqual(stats.faces, 2 * perWriter)
        try expectEqual(stats.version, Int64(2 * perWriter))
        try expectEqual(try await first.allEmbeddings().count, 2 * perWriter)
    }

    /// Every check that needs only an ``Opener``, by name, for a test that runs them all.
    public static let all: [(name: String, run: (Opener) async throws -> Void)] = [
        ("peopleRoundTrip", peopleRoundTrip), ("duplicateNames", duplicateNames),
        ("unknownPersonAndFace", unknownPersonAndFace), ("invalidNames", invalidNames),
        ("renameAndCascadingRemove", renameAndCascadingRemove), ("metadataReplacement", metadataReplacement),
        ("embeddingsExact", embeddingsExact), ("enrolmentAllOrNothing", enrolmentAllOrNothing),
        ("statsAndCrops", statsAndCrops), ("calibrationPerModel", calibrationPerModel),
        ("modelMismatch", modelMismatch), ("versionSeenByAnotherInstance", versionSeenByAnotherInstance),
        ("twoConcurrentWriters", { try await twoConcurrentWriters($0) }),
    ]
}
