import GRDB

/// The gallery's versioned schema.
///
/// Tables (see docs for the full description):
/// - `meta`: exactly one row binding the gallery to one model (id, preprocessing version,
///   dimension) and holding `change_counter`, bumped by every write transaction so that other
///   processes can tell when their in-memory index is stale.
/// - `person`: unique, case-sensitive, non-blank `name`; optional JSON-object `metadata`.
/// - `face`: one sample per row, owned by a person (`ON DELETE CASCADE`), with the image's
///   SHA-256, its box, landmarks (JSON array of `[x, y]`), quality and optional PNG crop.
/// - `embedding`: one per face (`ON DELETE CASCADE`), little-endian Float32 `vector` whose byte
///   length is checked against `dimension`; a trigger refuses embeddings of another model.
/// - `calibration`: opaque JSON per model id.
///
/// The SQL stays within what PostgreSQL can express too (no SQLite-only types), so that the
/// same schema can be mirrored there.
enum GallerySchema {
    /// Every migration, in order. Never edit a shipped migration: append a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-gallery") { db in
            try db.execute(sql: v1)
        }
        return migrator
    }

    private static let v1 = """
        CREATE TABLE meta (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            model_id TEXT NOT NULL CHECK (length(model_id) > 0),
            preprocessing_version INTEGER NOT NULL CHECK (preprocessing_version >= 0),
            dimension INTEGER NOT NULL CHECK (dimension > 0),
            change_counter INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL
        );
        CREATE TABLE person (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0 AND length(name) <= 200),
            metadata TEXT CHECK (metadata IS NULL OR (json_valid(metadata) AND json_type(metadata) = 'object')),
            created_at REAL NOT NULL
        );
        CREATE TABLE face (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
            image_sha256 TEXT NOT NULL
                CHECK (length(image_sha256) = 64 AND image_sha256 NOT GLOB '*[^0-9a-f]*'),
            box_left REAL NOT NULL,
            box_top REAL NOT NULL,
            box_right REAL NOT NULL,
            box_bottom REAL NOT NULL,
            landmarks TEXT NOT NULL DEFAULT '[]'
                CHECK (json_valid(landmarks) AND json_type(landmarks) = 'array'),
            quality REAL NOT NULL,
            crop BLOB,
            created_at REAL NOT NULL,
            CHECK (box_right > box_left AND box_bottom > box_top)
        );
        CREATE INDEX face_person ON face(person_id);
        CREATE INDEX face_image ON face(image_sha256);
        CREATE TABLE embedding (
            face_id INTEGER PRIMARY KEY REFERENCES face(id) ON DELETE CASCADE,
            model_id TEXT NOT NULL,
            preprocessing_version INTEGER NOT NULL,
            dimension INTEGER NOT NULL CHECK (dimension > 0),
            vector BLOB NOT NULL CHECK (length(vector) = 4 * dimension)
        );
        CREATE TRIGGER embedding_model_insert BEFORE INSERT ON embedding
        WHEN NOT EXISTS (SELECT 1 FROM meta WHERE model_id = NEW.model_id
                         AND preprocessing_version = NEW.preprocessing_version
                         AND dimension = NEW.dimension)
        BEGIN SELECT RAISE(ABORT, 'embedding model differs from the gallery model'); END;
        CREATE TRIGGER embedding_model_update BEFORE UPDATE ON embedding
        WHEN NOT EXISTS (SELECT 1 FROM meta WHERE model_id = NEW.model_id
                         AND preprocessing_version = NEW.preprocessing_version
                         AND dimension = NEW.dimension)
        BEGIN SELECT RAISE(ABORT, 'embedding model differs from the gallery model'); END;
        CREATE TABLE calibration (
            model_id TEXT PRIMARY KEY CHECK (length(model_id) > 0),
            json TEXT NOT NULL CHECK (json_valid(json)),
            updated_at REAL NOT NULL
        );
        """
}
