import Foundation
import GRDB

/// A gallery of people, face samples and embeddings in one SQLite file (GRDB).
///
/// The file is opened in WAL mode with foreign keys on, a busy timeout and `synchronous = FULL`,
/// so a write that returned is durable even if the process is killed right after, and several
/// processes can write the same gallery: writers queue on SQLite's lock (busy timeout, then a
/// few retries). Every mutating call is one `IMMEDIATE` transaction: all or nothing.
///
/// A gallery is bound to one ``GalleryModel``; opening it with another model throws
/// ``GalleryError/modelMismatch(gallery:requested:)``. Person names are unique and
/// case-sensitive ("Ada" and "ada" are two people), compared byte for byte.
public final class Gallery: @unchecked Sendable {
    /// Whether a gallery may be written.
    public enum AccessMode: Sendable {
        /// Reads and writes; creates the file when asked to.
        case readWrite
        /// Reads only; every write throws ``GalleryError/readOnly(path:)``.
        case readOnly
    }

    /// The longest accepted person name, in characters.
    public static let maximumNameLength = 200
    /// The default gallery file name, relative to the working directory.
    public static let defaultPath = "visage.sqlite"

    /// The database file's path.
    public let path: String
    /// The model the gallery is bound to.
    public let model: GalleryModel
    /// How the gallery was opened.
    public let accessMode: AccessMode
    let writer: any DatabaseWriter
    let retries = 3

    private init(path: String, model: GalleryModel, accessMode: AccessMode, writer: any DatabaseWriter) {
        self.path = path; self.model = model; self.accessMode = accessMode; self.writer = writer
    }

    /// Opens (or creates) a gallery and checks it is bound to `model`.
    ///
    /// A new gallery is bound to `model`. Nothing is written to a file that turns out to be
    /// corrupt, foreign, read-only or bound to another model.
    /// - Parameters:
    ///   - path: The database file.
    ///   - model: The embedding model the caller will use.
    ///   - create: Create the file when it does not exist (otherwise ``GalleryError/notFound(path:)``).
    ///   - mode: ``AccessMode/readWrite`` (default) or ``AccessMode/readOnly``.
    ///   - busyTimeout: How long to wait for another process's lock, in seconds.
    /// - Throws: ``GalleryError`` (`notFound`, `cannotOpen`, `readOnly`, `corrupt`, `notAGallery`,
    ///   `newerSchema`, `modelMismatch`, `busy`).
    public static func open(path: String, model: GalleryModel, create: Bool = false,
                            mode: AccessMode = .readWrite, busyTimeout: TimeInterval = 5) throws -> Gallery {
        guard model.dimension > 0, !model.id.isEmpty, model.preprocessingVersion >= 0 else {
            throw GalleryError.cannotOpen(path: path, reason: "invalid model \(model)")
        }
        let exists = try GalleryFileCheck.check(path: path, create: create, mode: mode)
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.readonly = mode == .readOnly
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            // Inspect through a read-only connection first, so that nothing is written to a
            // foreign, newer or mismatched file (opening a pool switches the file to WAL).
            let existing = exists ? try inspect(path: path, configuration: config) : nil
            if let existing {
                if existing.superseded { throw GalleryError.newerSchema(path: path) }
                if !existing.tables.isEmpty && !existing.tables.contains("meta") {
                    throw GalleryError.notAGallery(path: path)
                }
                if let stored = existing.model, stored != model {
                    throw GalleryError.modelMismatch(gallery: stored, requested: model)
                }
            }
            let writer: any DatabaseWriter = mode == .readWrite
                ? try DatabasePool(path: path, configuration: config)
                : try DatabaseQueue(path: path, configuration: config)
            let gallery = Gallery(path: path, model: model, accessMode: mode, writer: writer)
            try gallery.prepareSchema()
            return gallery
        } catch {
            throw Gallery.map(error, path: path)
        }
    }

    /// The model an existing gallery is bound to, read without writing anything.
    ///
    /// Use it to open a gallery whose model is not known in advance (`visage gallery stats`,
    /// `visage gallery reembed`).
    /// - Throws: ``GalleryError`` (`notFound`, `corrupt`, `notAGallery`, `newerSchema`, ...).
    public static func boundModel(path: String, busyTimeout: TimeInterval = 5) throws -> GalleryModel {
        _ = try GalleryFileCheck.check(path: path, create: false, mode: .readOnly)
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        do {
            let inspection = try inspect(path: path, configuration: config)
            if inspection.superseded { throw GalleryError.newerSchema(path: path) }
            guard let model = inspection.model else { throw GalleryError.notAGallery(path: path) }
            return model
        } catch {
            throw Gallery.map(error, path: path)
        }
    }

    private struct Inspection {
        var superseded: Bool
        var tables: [String]
        var model: GalleryModel?
    }

    /// Reads the schema state of an existing file without writing to it.
    private static func inspect(path: String, configuration: Configuration) throws -> Inspection {
        var config = configuration
        config.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            return Inspection(superseded: try GallerySchema.migrator.hasBeenSuperseded(db), tables: tables,
                              model: tables.contains("meta") ? try storedModel(db) : nil)
        }
    }

    /// Moves the write-ahead log into the database file (when no other process is reading) and
    /// closes the connections; further calls throw.
    /// - Throws: ``GalleryError`` when SQLite cannot close.
    public func close() throws {
        do {
            if let pool = writer as? DatabasePool {
                // Best effort: another process may hold a read lock, then the log stays for later.
                _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                try pool.close()
            }
            if let queue = writer as? DatabaseQueue { try queue.close() }
        } catch {
            throw Gallery.map(error, path: path)
        }
    }

    /// Migrates the schema, binds a new gallery to the model and checks an existing binding.
    private func prepareSchema() throws {
        let migrator = GallerySchema.migrator
        let (superseded, complete, tables) = try writer.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        if superseded { throw GalleryError.newerSchema(path: path) }
        if !tables.isEmpty && !tables.contains("meta") { throw GalleryError.notAGallery(path: path) }
        if !complete {
            guard accessMode == .readWrite else {
                throw GalleryError.cannotOpen(path: path, reason: "its schema needs an upgrade; open it once for writing")
            }
            try migrator.migrate(writer)
        }
        let stored = try writer.read { db in try Gallery.storedModel(db) }
        if let stored {
            guard stored == model else { throw GalleryError.modelMismatch(gallery: stored, requested: model) }
            return
        }
        guard accessMode == .readWrite else { throw GalleryError.notAGallery(path: path) }
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO meta (id, model_id, preprocessing_version, dimension, change_counter, created_at)
                VALUES (1, ?, ?, ?, 0, ?) ON CONFLICT(id) DO NOTHING
                """, arguments: [model.id, model.preprocessingVersion, model.dimension, Date().timeIntervalSince1970])
        }
        if let bound = try writer.read({ db in try Gallery.storedModel(db) }), bound != model {
            throw GalleryError.modelMismatch(gallery: bound, requested: model)
        }
    }

    static func storedModel(_ db: Database) throws -> GalleryModel? {
        guard let row = try Row.fetchOne(db, sql: "SELECT model_id, preprocessing_version, dimension FROM meta WHERE id = 1")
        else { return nil }
        return GalleryModel(id: row[0], preprocessingVersion: row[1], dimension: row[2])
    }

    /// The change counter: it grows with every committed write, from any process.
    ///
    /// Compare it with the value seen when an in-memory index was built to know when to reload.
    /// - Throws: ``GalleryError`` when the database cannot be read.
    public func version() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT change_counter FROM meta WHERE id = 1") ?? 0 }
    }

    /// Runs SQLite's full integrity check and the foreign-key check.
    /// - Throws: ``GalleryError/corrupt(path:reason:)`` with SQLite's first complaint.
    public func verifyIntegrity() throws {
        let problems = try read { db -> [String] in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let keys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            return integrity.filter { $0 != "ok" } + keys.map { "foreign key violation in \($0[0] as String? ?? "?")" }
        }
        if let first = problems.first { throw GalleryError.corrupt(path: path, reason: first) }
    }
}
