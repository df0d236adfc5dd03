import Foundation
import Logging
import PostgresNIO
import VisageStore

extension PostgresGallery {
    /// Adds a person.
    /// - Parameters:
    ///   - name: A unique, case-sensitive, non-blank name of at most ``VisageStore/Gallery/maximumNameLength`` characters.
    ///   - metadata: Free-form string pairs.
    /// - Returns: The new person.
    /// - Throws: ``VisageStore/GalleryError/invalidName(name:)``, ``VisageStore/GalleryError/duplicateName(name:)``,
    ///   ``PostgresGalleryError``.
    @discardableResult
    public func addPerson(name: String, metadata: [String: String] = [:]) async throws -> Person {
        try GalleryRules.validate(name: name)
        let json = try GalleryRules.encode(metadata: metadata)
        let logger = self.logger
        return try await write { connection in
            try await PostgresGallery.insertPerson(connection, name: name, metadataJSON: json, logger: logger)
        }
    }

    /// The person with this exact name, or `nil`.
    /// - Throws: ``PostgresGalleryError`` when the server cannot be reached.
    public func person(named name: String) async throws -> Person? {
        if name.contains("\u{0}") { return nil }  // PostgreSQL text cannot hold NUL, so no one has it
        let logger = self.logger
        return try await read { connection in
            try await PostgresGallery.fetchPeople(connection, where: .name(name), logger: logger).first
        }
    }

    /// The person with this row id, or `nil`.
    /// - Throws: ``PostgresGalleryError`` when the server cannot be reached.
    public func person(id: Int64) async throws -> Person? {
        let logger = self.logger
        return try await read { connection in
            try await PostgresGallery.fetchPeople(connection, where: .id(id), logger: logger).first
        }
    }

    /// Every person, ordered by name (byte order).
    /// - Throws: ``PostgresGalleryError`` when the server cannot be reached.
    public func people() async throws -> [Person] {
        let logger = self.logger
        return try await read { connection in
            try await PostgresGallery.fetchPeople(connection, where: nil, logger: logger)
        }
    }

    /// Renames a person.
    /// - Throws: ``VisageStore/GalleryError/unknownPerson(name:)``, ``VisageStore/GalleryError/duplicateName(name:)``,
    ///   ``VisageStore/GalleryError/invalidName(name:)``.
    public func rename(_ name: String, to newName: String) async throws {
        try GalleryRules.validate(name: newName)
        let logger = self.logger
        try await write { connection in
            let id = try await PostgresGallery.personID(connection, name: name, logger: logger)
            if newName == name { return }
            if try await PostgresGallery.personIDIfAny(connection, name: newName, logger: logger) != nil {
                throw GalleryError.duplicateName(name: newName)
            }
            try await connection.run("UPDATE person SET name = \(newName) WHERE id = \(id)", logger: logger)
        }
    }

    /// Replaces a person's metadata.
    /// - Throws: ``VisageStore/GalleryError/unknownPerson(name:)``.
    public func setMetadata(_ metadata: [String: String], of name: String) async throws {
        let json = try GalleryRules.encode(metadata: metadata)
        let logger = self.logger
        try await write { connection in
            let id = try await PostgresGallery.personID(connection, name: name, logger: logger)
            try await connection.run("UPDATE person SET metadata = \(json) WHERE id = \(id)", logger: logger)
        }
    }

    /// Removes a person with all their face samples and embeddings.
    /// - Throws: ``VisageStore/GalleryError/unknownPerson(name:)``.
    public func removePerson(_ name: String) async throws {
        let logger = self.logger
        try await write { connection in
            let id = try await PostgresGallery.personID(connection, name: name, logger: logger)
            try await connection.run("DELETE FROM person WHERE id = \(id)", logger: logger)
        }
    }

    // MARK: Helpers

    /// Which people ``fetchPeople(_:where:logger:)`` reads.
    enum PersonFilter {
        case name(String)
        case id(Int64)
    }

    static func insertPerson(_ connection: PostgresConnection, name: String, metadataJSON: String?,
                             logger: Logger) async throws -> Person {
        if try await personIDIfAny(connection, name: name, logger: logger) != nil {
            throw GalleryError.duplicateName(name: name)
        }
        let now = Date()
        let id = try await connection.one("""
            INSERT INTO person (name, metadata, created_at) VALUES (\(name), \(metadataJSON), \(now.timeIntervalSince1970))
            RETURNING id
            """, Int64.self, logger: logger) ?? 0
        let metadata = try metadataJSON.map { try GalleryRules.decode(metadata: $0) } ?? [:]
        return Person(id: id, name: name, metadata: metadata, createdAt: now, faceCount: 0)
    }

    static func personIDIfAny(_ connection: PostgresConnection, name: String, logger: Logger) async throws -> Int64? {
        if name.contains("\u{0}") { return nil }
        return try await connection.one("SELECT id FROM person WHERE name = \(name)", Int64.self, logger: logger)
    }

    static func personID(_ connection: PostgresConnection, name: String, logger: Logger) async throws -> Int64 {
        guard let id = try await personIDIfAny(connection, name: name, logger: logger) else {
            throw GalleryError.unknownPerson(name: name)
        }
        return id
    }

    static func fetchPeople(_ connection: PostgresConnection, where filter: PersonFilter?,
                            logger: Logger) async throws -> [Person] {
        var query: PostgresQuery = """
            SELECT p.id, p.name, p.metadata, p.created_at, (SELECT count(*) FROM face f WHERE f.person_id = p.id)
            FROM person p
            """
        switch filter {
        case .name(let name):
            query = "\(unescaped: query.sql) WHERE p.name = \(name)"
        case .id(let id):
            query = "\(unescaped: query.sql) WHERE p.id = \(id)"
        case nil:
            query = "\(unescaped: query.sql) ORDER BY p.name"
        }
        return try await connection.query(query, logger: logger).collect().map { row in
            let (id, name, json, created, faces) = try row.decode((Int64, String, String?, Double, Int64).self)
            return Person(id: id, name: name, metadata: try json.map { try GalleryRules.decode(metadata: $0) } ?? [:],
                          createdAt: Date(timeIntervalSince1970: created), faceCount: Int(faces))
        }
    }
}
