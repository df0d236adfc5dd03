import Foundation
import GRDB

extension Gallery {
    /// Re-computes every embedding with a new model from the stored crops and rebinds the gallery
    /// to that model, atomically.
    ///
    /// The embeddings are computed outside any lock from a snapshot; the result is committed in
    /// one transaction only if no other process wrote in the meantime. After success this
    /// `Gallery` value still describes the old model: close it and open the gallery with `newModel`.
    /// - Parameters:
    ///   - newModel: The model to bind the gallery to.
    ///   - embed: Computes the new embedding from a face's stored crop (PNG bytes) and its record.
    /// - Returns: The number of faces re-embedded.
    /// - Throws: ``GalleryError/missingCrops(faces:)`` when some faces cannot be re-embedded,
    ///   ``GalleryError/dimensionMismatch(expected:actual:)``, ``GalleryError/nonFiniteEmbedding``,
    ///   ``GalleryError/changedConcurrently(path:)``, or whatever `embed` throws; the gallery is
    ///   unchanged in every case.
    @discardableResult
    public func reembed(to newModel: GalleryModel,
                        embed: (_ crop: Data, _ face: FaceSample) throws -> [Float]) throws -> Int {
        guard newModel.dimension > 0, !newModel.id.isEmpty, newModel.preprocessingVersion >= 0 else {
            throw GalleryError.cannotOpen(path: path, reason: "invalid model \(newModel)")
        }
        let (version, faces) = try read { db -> (Int64, [(FaceSample, Data?)]) in
            let version = try Int64.fetchOne(db, sql: "SELECT change_counter FROM meta WHERE id = 1") ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT \(Gallery.faceColumns), crop FROM face ORDER BY id")
            return (version, rows.map { row in (Gallery.faceSample(from: row), row[11] as Data?) })
        }
        let missing = faces.filter { $0.1 == nil }.map { $0.0.id.rawValue }
        guard missing.isEmpty else { throw GalleryError.missingCrops(faces: missing) }
        var vectors: [(FaceID, Data)] = []
        vectors.reserveCapacity(faces.count)
        for (face, crop) in faces {
            guard let crop else { continue }
            let vector = try embed(crop, face)
            guard vector.count == newModel.dimension else {
                throw GalleryError.dimensionMismatch(expected: newModel.dimension, actual: vector.count)
            }
            guard vector.allSatisfy({ $0.isFinite }) else { throw GalleryError.nonFiniteEmbedding }
            vectors.append((face.id, EmbeddingCodec.encode(vector)))
        }
        try write { db in
            let now = try Int64.fetchOne(db, sql: "SELECT change_counter FROM meta WHERE id = 1") ?? 0
            guard now == version else { throw GalleryError.changedConcurrently(path: path) }
            try db.execute(sql: "DELETE FROM embedding")
            try db.execute(sql: "UPDATE meta SET model_id = ?, preprocessing_version = ?, dimension = ? WHERE id = 1",
                           arguments: [newModel.id, newModel.preprocessingVersion, newModel.dimension])
            let insert = try db.makeStatement(sql: """
                INSERT INTO embedding (face_id, model_id, preprocessing_version, dimension, vector) VALUES (?, ?, ?, ?, ?)
                """)
            for (id, blob) in vectors {
                try insert.execute(arguments: [id.rawValue, newModel.id, newModel.preprocessingVersion, newModel.dimension, blob])
            }
        }
        return vectors.count
    }
}
