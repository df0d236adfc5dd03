import Foundation
import Logging
import PostgresNIO
import VisageStore

/// The PostgreSQL gallery's versioned schema: the same tables, columns and constraints as the
/// SQLite gallery's (see `docs/gallery-schema.md`), in PostgreSQL's types.
///
/// Differences, all invisible through the API: ids are `bigint` identity columns (never reused,
/// like SQLite's `AUTOINCREMENT`); names use the `"C"` collation so that uniqueness and order are
/// byte for byte; JSON columns are `text` checked with casts to `json`; the embedding-model
/// check is a PL/pgSQL trigger. Applied migrations are listed in `visage_migrations`.
enum PostgresSchema {
    /// Every migration, in order. Never edit a shipped migration: append a new one.
    static let migrations: [(identifier: String, statements: [String])] = [
        ("v1-gallery", v1),
    ]

    /// The tables the gallery owns; any of them without `visage_migrations` means a foreign schema.
    static let ownedTables = ["visage_migrations", "meta", "person", "face", "embedding", "calibration"]

    private static let v1 = [
        """
        CREATE TABLE meta (
            id integer PRIMARY KEY CHECK (id = 1),
            model_id text NOT NULL CHECK (length(model_id) > 0),
            preprocessing_version integer NOT NULL CHECK (preprocessing_version >= 0),
            dimension integer NOT NULL CHECK (dimension > 0),
            change_counter bigint NOT NULL DEFAULT 0,
            created_at double precision NOT NULL
        )
        """,
        """
        CREATE TABLE person (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE CHECK (length(btrim(name)) > 0 AND char_length(name) <= 200),
            metadata text CHECK (metadata IS NULL OR json_typeof(metadata::json) = 'object'),
            created_at double precision NOT NULL
        )
        """,
        """
        CREATE TABLE face (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            person_id bigint NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            image_sha256 text NOT NULL CHECK (image_sha256 ~ '^[0-9a-f]{64}$'),
            box_left double precision NOT NULL,
            box_top double precision NOT NULL,
            box_right double precision NOT NULL,
            box_bottom double precision NOT NULL,
            landmarks text NOT NULL DEFAULT '[]' CHECK (json_typeof(landmarks::json) = 'array'),
            quality double precision NOT NULL,
            crop bytea,
            created_at double precision NOT NULL,
            CHECK (box_right > box_left AND box_bottom > box_top)
        )
        """,
        "CREATE INDEX face_person ON face(person_id)",
        "CREATE INDEX face_image ON face(image_sha256)",
        """
        CREATE TABLE embedding (
            face_id bigint PRIMARY KEY REFERENCES face(id) ON DELETE CASCADE,
            model_id text NOT NULL,
            preprocessing_version integer NOT NULL,
            dimension integer NOT NULL CHECK (dimension > 0),
            vector bytea NOT NULL CHECK (octet_length(vector) = 4 * dimension)
        )
        """,
        """
        CREATE FUNCTION embedding_model_check() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM meta WHERE model_id = NEW.model_id
                           AND preprocessing_version = NEW.preprocessing_version
                           AND dimension = NEW.dimension) THEN
                RAISE EXCEPTION 'embedding model differs from the gallery model';
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER embedding_model BEFORE INSERT OR UPDATE ON embedding
        FOR EACH ROW EXECUTE FUNCTION embedding_model_check()
        """,
        """
        CREATE TABLE calibration (
            model_id text PRIMARY KEY CHECK (length(model_id) > 0),
            json text NOT NULL CHECK (json::json IS NOT NULL),
            updated_at double precision NOT NULL
        )
        """,
    ]

    /// Creates the schema if needed, applies missing migrations and binds the gallery to `model`,
    /// all in one transaction under an advisory lock (so that processes opening at once queue).
    /// - Throws: ``VisageStore/GalleryError`` `notAGallery`, `newerSchema`, `modelMismatch`.
    static func prepare(_ connection: PostgresConnection, configuration: PostgresGalleryConfiguration,
                        model: GalleryModel, logger: Logger) async throws {
        let path = configuration.redactedURL
        try await connection.run("BEGIN", logger: logger)
        do {
            let lockKey = "visage-gallery:" + (configuration.schema ?? "")
            try await connection.run("SELECT pg_advisory_xact_lock(hashtext(\(lockKey)))", logger: logger)
            if let schema = configuration.schema {
                // Validated as a plain identifier by the configuration, so it needs no quoting.
                try await connection.run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            }
            let applied = try await appliedMigrations(connection, path: path, logger: logger)
            let known = Set(migrations.map(\.identifier))
            if applied.contains(where: { !known.contains($0) }) { throw GalleryError.newerSchema(path: path) }
            for migration in migrations where !applied.contains(migration.identifier) {
                if applied.isEmpty && migration.identifier == migrations[0].identifier {
                    try await connection.run("""
                        CREATE TABLE visage_migrations (identifier text PRIMARY KEY, applied_at double precision NOT NULL)
                        """, logger: logger)
                }
                for statement in migration.statements {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.run("""
                    INSERT INTO visage_migrations (identifier, applied_at)
                    VALUES (\(migration.identifier), \(Date().timeIntervalSince1970))
                    """, logger: logger)
            }
            if let stored = try await storedModel(connection, logger: logger) {
                guard stored == model else { throw GalleryError.modelMismatch(gallery: stored, requested: model) }
            } else {
                try await connection.run("""
                    INSERT INTO meta (id, model_id, preprocessing_version, dimension, change_counter, created_at)
                    VALUES (1, \(model.id), \(model.preprocessingVersion), \(model.dimension), 0, \(Date().timeIntervalSince1970))
                    """, logger: logger)
            }
            try await connection.run("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.run("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// The bound model of an existing gallery, or `nil` when there is none yet; writes nothing.
    static func boundModel(_ connection: PostgresConnection, configuration: PostgresGalleryConfiguration,
                           logger: Logger) async throws -> GalleryModel? {
        let path = configuration.redactedURL
        let applied = try await appliedMigrations(connection, path: path, logger: logger)
        if applied.isEmpty { return nil }
        let known = Set(migrations.map(\.identifier))
        if applied.contains(where: { !known.contains($0) }) { throw GalleryError.newerSchema(path: path) }
        return try await storedModel(connection, logger: logger)
    }

    /// The applied migration identifiers, sorted; empty for a fresh schema.
    /// - Throws: ``VisageStore/GalleryError/notAGallery(path:)`` when gallery table names are
    ///   taken by something that is not a Visage gallery.
    static func appliedMigrations(_ connection: PostgresConnection, path: String, logger: Logger) async throws -> [String] {
        let tables = try await connection.column("""
            SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()
            """, String.self, logger: logger)
        let owned = Set(tables).intersection(ownedTables)
        if owned.isEmpty { return [] }
        guard owned.contains("visage_migrations") else { throw GalleryError.notAGallery(path: path) }
        let applied = try await connection.column("SELECT identifier FROM visage_migrations ORDER BY identifier",
                                                  String.self, logger: logger)
        if applied.isEmpty { throw GalleryError.notAGallery(path: path) }
        return applied
    }

    static func storedModel(_ connection: PostgresConnection, logger: Logger) async throws -> GalleryModel? {
        let rows = try await connection.query(
            "SELECT model_id, preprocessing_version, dimension FROM meta WHERE id = 1", logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (id, version, dimension) = try row.decode((String, Int, Int).self)
        return GalleryModel(id: id, preprocessingVersion: version, dimension: dimension)
    }
}
