import Foundation
import GRDB

extension Gallery {
    /// Counts and facts about the gallery.
    /// - Throws: ``GalleryError`` when the database cannot be read.
    public func stats() throws -> GalleryStats {
        let migrations = try read { db in try GallerySchema.migrator.appliedIdentifiers(db) }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return try read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM face),
                       (SELECT count(*) FROM face WHERE crop IS NOT NULL), (SELECT count(*) FROM calibration),
                       (SELECT change_counter FROM meta WHERE id = 1)
                """)
            guard let row else { throw GalleryError.corrupt(path: path, reason: "statistics query returned nothing") }
            return GalleryStats(model: model, people: row[0], faces: row[1], facesWithCrops: row[2],
                                calibrations: row[3], version: row[4] ?? 0,
                                schemaMigrations: migrations.sorted(), fileBytes: bytes)
        }
    }
}
