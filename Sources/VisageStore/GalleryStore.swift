import Foundation

/// The operations every gallery backend offers: the SQLite ``Gallery`` and the PostgreSQL gallery
/// of the server.
///
/// Requirements are `async` so that a network database can implement them without blocking a
/// thread; the synchronous methods of ``Gallery`` satisfy them as they are. Every backend keeps the
/// same rules: unique case-sensitive names, one model per gallery, every mutation one
/// transaction, and ``version()`` increasing on every change so that an in-memory index can tell
/// when to refresh.
public protocol GalleryStore: AnyObject, Sendable {
    /// The model the gallery is bound to.
    var model: GalleryModel { get }

    /// Adds a person; throws ``GalleryError/duplicateName(name:)`` or ``GalleryError/invalidName(name:)``.
    func addPerson(name: String, metadata: [String: String]) async throws -> Person
    /// The person with this exact name, or `nil`.
    func person(named name: String) async throws -> Person?
    /// The person with this row id, or `nil`.
    func person(id: Int64) async throws -> Person?
    /// Every person, ordered by name.
    func people() async throws -> [Person]
    /// Renames a person.
    func rename(_ name: String, to newName: String) async throws
    /// Replaces a person's metadata.
    func setMetadata(_ metadata: [String: String], of name: String) async throws
    /// Removes a person with all their faces.
    func removePerson(_ name: String) async throws
    /// Adds face samples to a person in one transaction; returns their ids in order.
    func enroll(personName: String, createIfMissing: Bool, faces: [NewFace]) async throws -> [FaceID]
    /// Removes one face sample.
    func removeFace(_ id: FaceID) async throws
    /// A person's face samples, oldest first.
    func faces(of personName: String) async throws -> [FaceSample]
    /// Every embedding with its owner, for building an in-memory index.
    func allEmbeddings() async throws -> GalleryEmbeddings
    /// The change counter: it increases with every committed mutation.
    func version() async throws -> Int64
    /// The stored calibration JSON for a model (the gallery's model when `nil`).
    func calibration(modelID: String?) async throws -> String?
    /// Stores calibration JSON for a model (the gallery's model when `nil`).
    func setCalibration(_ json: String, modelID: String?) async throws
    /// Counts and facts about the gallery.
    func stats() async throws -> GalleryStats
}

extension Gallery: GalleryStore {}
