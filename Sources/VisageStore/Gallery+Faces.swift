import Foundation
import GRDB

extension Gallery {
    /// Enrols face samples of one person in a single transaction: all of them or none.
    /// - Parameters:
    ///   - personName: The owner's name.
    ///   - createIfMissing: Add the person when no one has this name.
    ///   - faces: The samples; each embedding must have the gallery model's dimension.
    /// - Returns: The new samples' identifiers, in the order of `faces`.
    /// - Throws: ``GalleryError/unknownPerson(name:)``, ``GalleryError/invalidName(name:)``,
    ///   ``GalleryError/dimensionMismatch(expected:actual:)``, ``GalleryError/nonFiniteEmbedding``,
    ///   ``GalleryError/invalidFace(reason:)``, ``GalleryError/readOnly(path:)``, ``GalleryError/busy(path:)``.
    @discardableResult
    public func enroll(personName: String, createIfMissing: Bool = false, faces: [NewFace]) throws -> [FaceID] {
        try Gallery.validate(name: personName)
        for face in faces { try validate(face) }
        return try write { db in
            let personID: Int64
            if let id = try Gallery.personIDIfAny(db, name: personName) {
                personID = id
            } else if createIfMissing {
                personID = try insertPerson(db, name: personName, metadataJSON: nil).id
            } else {
                throw GalleryError.unknownPerson(name: personName)
            }
            return try faces.map { try insertFace(db, personID: personID, face: $0) }
        }
    }

    /// Removes one face sample and its embedding.
    /// - Throws: ``GalleryError/unknownFace(id:)``.
    public func removeFace(_ id: FaceID) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM face WHERE id = ?", arguments: [id.rawValue])
            if db.changesCount == 0 { throw GalleryError.unknownFace(id: id.rawValue) }
        }
    }

    /// The face samples of one person, in enrolment order.
    /// - Throws: ``GalleryError/unknownPerson(name:)``.
    public func faces(of personName: String) throws -> [FaceSample] {
        try read { db in
            let personID = try Gallery.personID(db, name: personName)
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Gallery.faceColumns) FROM face WHERE person_id = ? ORDER BY id
                """, arguments: [personID])
            return rows.map(Gallery.faceSample(from:))
        }
    }

    /// The stored aligned crop (PNG bytes) of a face sample, or `nil` when none was stored.
    /// - Throws: ``GalleryError/unknownFace(id:)``.
    public func crop(of id: FaceID) throws -> Data? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT crop FROM face WHERE id = ?", arguments: [id.rawValue]) else {
                throw GalleryError.unknownFace(id: id.rawValue)
            }
            return row[0] as Data?
        }
    }

    // MARK: Helpers

    /// The columns ``faceSample(from:)`` reads, in order.
    static let faceColumns = """
        id, person_id, image_sha256, box_left, box_top, box_right, box_bottom,
        landmarks, quality, crop IS NOT NULL, created_at
        """

    static func faceSample(from row: Row) -> FaceSample {
        FaceSample(id: FaceID(rawValue: row[0]), personID: row[1], imageSHA256: row[2],
                   box: FaceBox(left: row[3], top: row[4], right: row[5], bottom: row[6]),
                   landmarks: decodeLandmarks(row[7]), quality: row[8], hasCrop: row[9],
                   createdAt: Date(timeIntervalSince1970: row[10]))
    }

    func validate(_ face: NewFace) throws { try Gallery.validate(face, model: model) }

    static func validate(_ face: NewFace, model: GalleryModel) throws {
        guard face.embedding.count == model.dimension else {
            throw GalleryError.dimensionMismatch(expected: model.dimension, actual: face.embedding.count)
        }
        guard face.embedding.allSatisfy({ $0.isFinite }) else { throw GalleryError.nonFiniteEmbedding }
        let hex = face.imageSHA256.utf8
        guard hex.count == 64, hex.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw GalleryError.invalidFace(reason: "image SHA-256 must be 64 lower-case hex digits, got \"\(face.imageSHA256.prefix(80))\"")
        }
        let b = face.box
        guard [b.left, b.top, b.right, b.bottom, face.quality].allSatisfy({ $0.isFinite }) else {
            throw GalleryError.invalidFace(reason: "box and quality must be finite numbers")
        }
        guard b.right > b.left, b.bottom > b.top else {
            throw GalleryError.invalidFace(reason: "empty box (\(b.left), \(b.top), \(b.right), \(b.bottom))")
        }
        guard face.landmarks.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw GalleryError.invalidFace(reason: "landmarks must be finite numbers")
        }
    }

    func insertFace(_ db: Database, personID: Int64, face: NewFace) throws -> FaceID {
        try db.execute(sql: """
            INSERT INTO face (person_id, image_sha256, box_left, box_top, box_right, box_bottom,
                              landmarks, quality, crop, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [personID, face.imageSHA256, face.box.left, face.box.top, face.box.right,
                             face.box.bottom, Gallery.encodeLandmarks(face.landmarks), face.quality,
                             face.crop, Date().timeIntervalSince1970])
        let id = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO embedding (face_id, model_id, preprocessing_version, dimension, vector)
            VALUES (?, ?, ?, ?, ?)
            """, arguments: [id, model.id, model.preprocessingVersion, model.dimension,
                             EmbeddingCodec.encode(face.embedding)])
        return FaceID(rawValue: id)
    }

    static func encodeLandmarks(_ points: [FacePoint]) -> String {
        "[" + points.map { "[\($0.x),\($0.y)]" }.joined(separator: ",") + "]"
    }

    static func decodeLandmarks(_ json: String) -> [FacePoint] {
        guard let pairs = try? JSONDecoder().decode([[Double]].self, from: Data(json.utf8)) else { return [] }
        return pairs.compactMap { $0.count == 2 ? FacePoint(x: $0[0], y: $0[1]) : nil }
    }
}
