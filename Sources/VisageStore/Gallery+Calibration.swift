import Foundation
import GRDB

extension Gallery {
    /// The stored calibration (opaque JSON) for a model, or `nil`.
    /// - Parameter modelID: The model; defaults to the gallery's model.
    /// - Throws: ``GalleryError`` when the database cannot be read.
    public func calibration(modelID: String? = nil) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT json FROM calibration WHERE model_id = ?",
                                arguments: [modelID ?? model.id])
        }
    }

    /// Stores (or replaces) the calibration JSON for a model.
    /// - Parameters:
    ///   - json: Any valid JSON text; the gallery does not interpret it.
    ///   - modelID: The model; defaults to the gallery's model.
    /// - Throws: ``GalleryError/invalidJSON(reason:)`` for text that is not JSON.
    public func setCalibration(_ json: String, modelID: String? = nil) throws {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
            throw GalleryError.invalidJSON(reason: "calibration is not valid JSON")
        }
        let id = modelID ?? model.id
        guard !id.isEmpty else { throw GalleryError.invalidJSON(reason: "calibration needs a model id") }
        try write { db in
            try db.execute(sql: """
                INSERT INTO calibration (model_id, json, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(model_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                """, arguments: [id, json, Date().timeIntervalSince1970])
        }
    }
}
