import Foundation
import GRDB

/// Every stored embedding as one contiguous row-major matrix, read from one consistent snapshot.
///
/// Row `i` is face ``ids``[i] of person ``personIDs``[i] named ``names``[i]; its values are
/// `matrix[i * dimension ..< (i + 1) * dimension]`. Rows are in face-id order.
public struct GalleryEmbeddings: Sendable {
    /// Face identifiers, one per row.
    public var ids: [FaceID]
    /// Owner row ids, one per row.
    public var personIDs: [Int64]
    /// Owner names, one per row.
    public var names: [String]
    /// Values per row.
    public var dimension: Int
    /// `ids.count × dimension` Float32 values, row-major.
    public var matrix: [Float]
    /// The gallery's change counter when the snapshot was read.
    public var version: Int64

    /// The number of rows.
    public var count: Int { ids.count }

    /// Row `i` as an array.
    public func row(_ i: Int) -> ArraySlice<Float> { matrix[i * dimension ..< (i + 1) * dimension] }
}

extension Gallery {
    /// Reads every embedding into one contiguous matrix, for building a search index.
    /// - Throws: ``GalleryError/corrupt(path:reason:)`` if a stored vector has the wrong size.
    public func allEmbeddings() throws -> GalleryEmbeddings {
        let dimension = model.dimension
        return try read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT change_counter FROM meta WHERE id = 1") ?? 0
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM embedding") ?? 0
            var result = GalleryEmbeddings(ids: [], personIDs: [], names: [], dimension: dimension,
                                           matrix: [], version: version)
            result.ids.reserveCapacity(count)
            result.personIDs.reserveCapacity(count)
            result.names.reserveCapacity(count)
            result.matrix.reserveCapacity(count * dimension)
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT f.id, p.id, p.name, e.vector FROM embedding e
                JOIN face f ON f.id = e.face_id JOIN person p ON p.id = f.person_id
                ORDER BY f.id
                """)
            while let row = try cursor.next() {
                let blob: Data = row[3]
                guard EmbeddingCodec.append(blob, dimension: dimension, to: &result.matrix) else {
                    throw GalleryError.corrupt(path: path, reason: "embedding of face \(row[0] as Int64) has \(blob.count) bytes")
                }
                result.ids.append(FaceID(rawValue: row[0]))
                result.personIDs.append(row[1])
                result.names.append(row[2])
            }
            return result
        }
    }
}
