import Foundation
import VisageStore

/// A gallery whose listing fails with an error the server does not know (a disk fault, a driver
/// bug); everything else is forwarded to a real gallery.
final class FailingGallery: GalleryStore, @unchecked Sendable {
    struct UnexpectedFault: Error {}

    let base: any GalleryStore
    init(_ base: any GalleryStore) { self.base = base }

    var model: GalleryModel { base.model }
    func addPerson(name: String, metadata: [String: String]) async throws -> Person {
        try await base.addPerson(name: name, metadata: metadata)
    }
    func person(named name: String) async throws -> Person? { try await base.person(named: name) }
    func person(id: Int64) async throws -> Person? { try await base.person(id: id) }
    func people() async throws -> [Person] { throw UnexpectedFault() }
    func rename(_ name: String, to newName: String) async throws { try await base.rename(name, to: newName) }
    func setMetadata(_ metadata: [String: String], of name: String) async throws {
        try await base.setMetadata(metadata, of: name)
    }
    func removePerson(_ name: String) async throws { try await base.removePerson(name) }
    func enroll(personName: String, createIfMissing: Bool, faces: [NewFace]) async throws -> [FaceID] {
        try await base.enroll(personName: personName, createIfMissing: createIfMissing, faces: faces)
    }
    func removeFace(_ id: FaceID) async throws { try await base.removeFace(id) }
    func faces(of personName: String) async throws -> [FaceSample] { try await base.faces(of: personName) }
    func allEmbeddings() async throws -> GalleryEmbeddings { try await base.allEmbeddings() }
    func version() async throws -> Int64 { try await base.version() }
    func calibration(modelID: String?) async throws -> String? { try await base.calibration(modelID: modelID) }
    func setCalibration(_ json: String, modelID: String?) async throws {
        try await base.setCalibration(json, modelID: modelID)
    }
    func stats() async throws -> GalleryStats { try await base.stats() }
}
