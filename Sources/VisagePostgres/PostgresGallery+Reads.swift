import Foundation
import Logging
import PostgresNIO
import VisageStore

extension PostgresGallery {
    /// Reads every embedding into one contiguous matrix (face-id order) from one consistent
    /// snapshot, with the version of that snapshot, for building a search index.
    /// - Throws: ``VisageStore/GalleryError/corrupt(path:reason:)`` if a stored vector has the
    ///   wrong size; ``PostgresGalleryError``.
    public func allEmbeddings() async throws -> GalleryEmbeddings {
        let logger = self.logger
        let dimension = model.dimension
        let path = configuration.redactedURL
        return try await read { connection in
            let version = try await connection.one("SELECT change_counter FROM meta WHERE id = 1", Int64.self, logger: logger) ?? 0
            let count = try await connection.one("SELECT count(*) FROM embedding", Int64.self, logger: logger) ?? 0
            var result = GalleryEmbeddings(dimension: dimension, version: version, capacity: Int(count))
            let rows = try await connection.query("""
                SELECT f.id, p.id, p.name, e.vector FROM embedding e
                JOIN face f ON f.id = e.face_id JOIN person p ON p.id = f.person_id
                ORDER BY f.id
                """, logger: logger)
            for try await (faceID, personID, name, vector) in rows.decode((Int64, Int64, String, Data).self) {
                guard GalleryRules.appendEmbedding(vector, dimension: dimension, to: &result.matrix) else {
                    throw GalleryError.corrupt(path: path, reason: "embedding of face \(faceID) has \(vector.count) bytes")
                }
                result.ids.append(FaceID(rawValue: faceID))
                result.personIDs.append(personID)
                result.names.append(name)
            }
            return result
        }
    }

    /// Counts and facts about the gallery; `fileBytes` is the on-disk size of its tables and indexes.
    /// - Throws: ``PostgresGalleryError`` when the server cannot be reached.
    public func stats() async throws -> GalleryStats {
        let logger = self.logger
        let model = self.model
        return try await read { connection in
            let rows = try await connection.query("""
                SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM face),
                       (SELECT count(*) FROM face WHERE crop IS NOT NULL), (SELECT count(*) FROM calibration),
                       (SELECT change_counter FROM meta WHERE id = 1),
                       (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
                        WHERE c.relnamespace = current_schema()::text::regnamespace AND c.relkind = 'r'
                          AND c.relname IN ('meta', 'person', 'face', 'embedding', 'calibration', 'visage_migrations'))
                """, logger: logger).collect()
            guard let row = rows.first else {
                throw PostgresGalleryError.server(endpoint: self.configuration.redactedURL, sqlState: "client",
                                                  message: "statistics query returned nothing")
            }
            let (people, faces, crops, calibrations, version, bytes) = try row.decode(
                (Int64, Int64, Int64, Int64, Int64?, Int64).self)
            let migrations = try await connection.column("SELECT identifier FROM visage_migrations ORDER BY identifier",
                                                         String.self, logger: logger)
            return GalleryStats(model: model, people: Int(people), faces: Int(faces), facesWithCrops: Int(crops),
                                calibrations: Int(calibrations), version: version ?? 0,
                                schemaMigrations: migrations, fileBytes: bytes)
        }
    }

    /// The stored calibration (opaque JSON) for a model, or `nil`.
    /// - Parameter modelID: The model; defaults to the gallery's model.
    /// - Throws: ``PostgresGalleryError`` when the server cannot be reached.
    public func calibration(modelID: String? = nil) async throws -> String? {
        let logger = self.logger
        let id = modelID ?? model.id
        return try await read { connection in
            try await connection.one("SELECT json FROM calibration WHERE model_id = \(id)", String.self, logger: logger)
        }
    }

    /// Stores (or replaces) the calibration JSON for a model.
    /// - Parameters:
    ///   - json: Any valid JSON text; the gallery does not interpret it.
    ///   - modelID: The model; defaults to the gallery's model.
    /// - Throws: ``VisageStore/GalleryError/invalidJSON(reason:)`` for text that is not JSON.
    public func setCalibration(_ json: String, modelID: String? = nil) async throws {
        let id = modelID ?? model.id
        try GalleryRules.validateCalibration(json, modelID: id)
        let logger = self.logger
        try await write { connection in
            try await connection.run("""
                INSERT INTO calibration (model_id, json, updated_at) VALUES (\(id), \(json), \(Date().timeIntervalSince1970))
                ON CONFLICT (model_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                """, logger: logger)
        }
    }
}
