import Foundation
import GRDB

extension Gallery {
    /// Adds a person.
    /// - Parameters:
    ///   - name: A unique, case-sensitive, non-blank name of at most ``maximumNameLength`` characters.
    ///   - metadata: Free-form string pairs.
    /// - Returns: The new person.
    /// - Throws: ``GalleryError/invalidName(name:)``, ``GalleryError/duplicateName(name:)``,
    ///   ``GalleryError/readOnly(path:)``.
    @discardableResult
    public func addPerson(name: String, metadata: [String: String] = [:]) throws -> Person {
        try Gallery.validate(name: name)
        let json = try Gallery.encode(metadata: metadata)
        return try write { db in try insertPerson(db, name: name, metadataJSON: json) }
    }

    /// The person with this exact name, or `nil`.
    /// - Throws: ``GalleryError`` when the database cannot be read.
    public func person(named name: String) throws -> Person? {
        try read { db in try Gallery.fetchPeople(db, whereName: name).first }
    }

    /// Every person, ordered by name (byte order).
    /// - Throws: ``GalleryError`` when the database cannot be read.
    public func people() throws -> [Person] {
        try read { db in try Gallery.fetchPeople(db, whereName: nil) }
    }

    /// Renames a person.
    /// - Throws: ``GalleryError/unknownPerson(name:)``, ``GalleryError/duplicateName(name:)``,
    ///   ``GalleryError/invalidName(name:)``.
    public func rename(_ name: String, to newName: String) throws {
        try Gallery.validate(name: newName)
        try write { db in
            let id = try Gallery.personID(db, name: name)
            if newName == name { return }
            if try Gallery.personIDIfAny(db, name: newName) != nil { throw GalleryError.duplicateName(name: newName) }
            try db.execute(sql: "UPDATE person SET name = ? WHERE id = ?", arguments: [newName, id])
        }
    }

    /// Replaces a person's metadata.
    /// - Throws: ``GalleryError/unknownPerson(name:)``.
    public func setMetadata(_ metadata: [String: String], of name: String) throws {
        let json = try Gallery.encode(metadata: metadata)
        try write { db in
            let id = try Gallery.personID(db, name: name)
            try db.execute(sql: "UPDATE person SET metadata = ? WHERE id = ?", arguments: [json, id])
        }
    }

    /// Removes a person with all their face samples and embeddings.
    /// - Throws: ``GalleryError/unknownPerson(name:)``.
    public func removePerson(_ name: String) throws {
        try write { db in
            let id = try Gallery.personID(db, name: name)
            try db.execute(sql: "DELETE FROM person WHERE id = ?", arguments: [id])
        }
    }

    // MARK: Helpers shared with enrolment and import

    func insertPerson(_ db: Database, name: String, metadataJSON: String?) throws -> Person {
        if try Gallery.personIDIfAny(db, name: name) != nil { throw GalleryError.duplicateName(name: name) }
        let now = Date()
        try db.execute(sql: "INSERT INTO person (name, metadata, created_at) VALUES (?, ?, ?)",
                       arguments: [name, metadataJSON, now.timeIntervalSince1970])
        let metadata = try metadataJSON.map { try Gallery.decode(metadata: $0) } ?? [:]
        return Person(id: db.lastInsertedRowID, name: name, metadata: metadata, createdAt: now, faceCount: 0)
    }

    static func personIDIfAny(_ db: Database, name: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM person WHERE name = ?", arguments: [name])
    }

    static func personID(_ db: Database, name: String) throws -> Int64 {
        guard let id = try personIDIfAny(db, name: name) else { throw GalleryError.unknownPerson(name: name) }
        return id
    }

    static func fetchPeople(_ db: Database, whereName name: String?) throws -> [Person] {
        let filter = name == nil ? "" : "WHERE p.name = ?"
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.id, p.name, p.metadata, p.created_at,
                   (SELECT count(*) FROM face f WHERE f.person_id = p.id)
            FROM person p \(filter) ORDER BY p.name
            """, arguments: name.map { [$0] } ?? [])
        return try rows.map { row in
            let json: String? = row[2]
            return Person(id: row[0], name: row[1], metadata: try json.map { try decode(metadata: $0) } ?? [:],
                          createdAt: Date(timeIntervalSince1970: row[3]), faceCount: row[4])
        }
    }

    static func validate(name: String) throws {
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
              name.unicodeScalars.count <= maximumNameLength, !name.contains("\u{0}") else {
            throw GalleryError.invalidName(name: name)
        }
    }

    static func encode(metadata: [String: String]) throws -> String? {
        if metadata.isEmpty { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(metadata), let text = String(data: data, encoding: .utf8) else {
            throw GalleryError.invalidJSON(reason: "metadata cannot be encoded")
        }
        return text
    }

    static func decode(metadata json: String) throws -> [String: String] {
        guard let value = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)) else {
            throw GalleryError.invalidJSON(reason: "stored metadata is not an object of strings")
        }
        return value
    }
}

extension Gallery {
    /// The person with this row id, or `nil`.
    /// - Throws: ``GalleryError`` when the database cannot be read.
    public func person(id: Int64) throws -> Person? {
        try read { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM person WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return try Gallery.fetchPeople(db, whereName: name).first
        }
    }
}
