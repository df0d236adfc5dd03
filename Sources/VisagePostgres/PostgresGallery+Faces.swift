import Foundation
import Logging
import PostgresNIO
import VisageStore

extension PostgresGallery {
    /// Enrols face samples of one person in a single transaction: all of them or none.
    /// - Parameters:
    ///   - personName: The owner's name.
    ///   - createIfMissing: Add the person when no one has this name.
    ///   - faces: The samples; each embedding must have the gallery model's dimension.
    /// - Returns: The new samples' identifiers, in the order of `faces`.
    /// - Throws: ``VisageStore/GalleryError/unknownPerson(name:)``, ``VisageStore/GalleryError/invalidName(name:)``,
    ///   ``VisageStore/GalleryError/dimensionMismatch(expected:actual:)``, ``VisageStore/GalleryError/nonFiniteEmbedding``,
    ///   ``VisageStore/GalleryError/invalidFace(reason:)``, ``PostgresGalleryError``.
    @discardableResult
    public func enroll(personName: String, createIfMissing: Bool = false, faces: [NewFace]) async throws -> [FaceID] {
        try GalleryRules.validate(name: personName)
        for face in faces { try GalleryRules.validate(face, model: model) }
        let logger = self.logger
        let model = self.model
        return try await write { connection in
            let personID: Int64
            if let id = try await PostgresGallery.personIDIfAny(connection, name: personName, logger: logger) {
                personID = id
            } else if createIfMissing {
                personID = try await PostgresGallery.insertPerson(connection, name: personName, metadataJSON: nil,
                                                                  logger: logger).id
            } else {
                throw GalleryError.unknownPerson(name: personName)
            }
            var ids: [FaceID] = []
            for face in faces {
                ids.append(try await PostgresGallery.insertFace(connection, personID: personID, face: face,
                                                                model: model, logger: logger))
            }
            return ids
        }
    }

    /// Removes one face sample and its embedding.
    /// - Throws: ``VisageStore/GalleryError/unknownFace(id:)``.
    public func removeFace(_ id: FaceID) async throws {
        let logger = self.logger
        try await write { connection in
            let removed = try await connection.run("DELETE FROM face WHERE id = \(id.rawValue) RETURNING id", logger: logger)
            if removed == 0 { throw GalleryError.unknownFace(id: id.rawValue) }
        }
    }

    /// The face samples of one person, in enrolment order.
    /// - Throws: ``VisageStore/GalleryError/unknownPerson(name:)``.
    public func faces(of personName: String) async throws -> [FaceSample] {
        let logger = self.logger
        return try await read { connection in
            let personID = try await PostgresGallery.personID(connection, name: personName, logger: logger)
            let rows = try await connection.query("""
                SELECT id, person_id, image_sha256, box_left, box_top, box_right, box_bottom,
                       landmarks, quality, crop IS NOT NULL, created_at
                FROM face WHERE person_id = \(personID) ORDER BY id
                """, logger: logger).collect()
            return try rows.map { row in
                let (id, owner, sha, left, top, right, bottom, landmarks, quality, hasCrop, created) = try row.decode(
                    (Int64, Int64, String, Double, Double, Double, Double, String, Double, Bool, Double).self)
                return FaceSample(id: FaceID(rawValue: id), personID: owner, imageSHA256: sha,
                                  box: FaceBox(left: left, top: top, right: right, bottom: bottom),
                                  landmarks: GalleryRules.decode(landmarks: landmarks), quality: quality,
                                  hasCrop: hasCrop, createdAt: Date(timeIntervalSince1970: created))
            }
        }
    }

    /// The stored aligned crop (PNG bytes) of a face sample, or `nil` when none was stored.
    /// - Throws: ``VisageStore/GalleryError/unknownFace(id:)``.
    public func crop(of id: FaceID) async throws -> Data? {
        let logger = self.logger
        return try await read { connection in
            let rows = try await connection.query("SELECT crop FROM face WHERE id = \(id.rawValue)", logger: logger).collect()
            guard let row = rows.first else { throw GalleryError.unknownFace(id: id.rawValue) }
            return try row.decode(Data?.self)
        }
    }

    static func insertFace(_ connection: PostgresConnection, personID: Int64, face: NewFace, model: GalleryModel,
                           logger: Logger) async throws -> FaceID {
        let landmarks = GalleryRules.encode(landmarks: face.landmarks)
        let id = try await connection.one("""
            INSERT INTO face (person_id, image_sha256, box_left, box_top, box_right, box_bottom,
                              landmarks, quality, crop, created_at)
            VALUES (\(personID), \(face.imageSHA256), \(face.box.left), \(face.box.top), \(face.box.right),
                    \(face.box.bottom), \(landmarks), \(face.quality), \(face.crop), \(Date().timeIntervalSince1970))
            RETURNING id
            """, Int64.self, logger: logger) ?? 0
        try await connection.run("""
            INSERT INTO embedding (face_id, model_id, preprocessing_version, dimension, vector)
            VALUES (\(id), \(model.id), \(model.preprocessingVersion), \(model.dimension),
                    \(GalleryRules.embeddingBytes(face.embedding)))
            """, logger: logger)
        return FaceID(rawValue: id)
    }
}
