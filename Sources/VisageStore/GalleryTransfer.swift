import Foundation
import GRDB

/// One line of a gallery export (JSON lines). The first line is the header, then each person
/// line is followed by that person's face lines.
///
///     {"kind":"header","format":"visage-gallery","version":1,"model":{"id":…,"preprocessingVersion":1,"dimension":128}}
///     {"kind":"person","name":"Ada","metadata":{"team":"x"}}
///     {"kind":"face","person":"Ada","imageSHA256":"…","box":{…},"landmarks":[[x,y],…],"quality":0.9,"crop":"<base64 PNG>","embedding":[…]}
struct TransferLine: Codable {
    enum Kind: String, Codable { case header, person, face }
    static let format = "visage-gallery"
    static let version = 1

    var kind: Kind
    var format: String?
    var version: Int?
    var model: GalleryModel?
    var name: String?
    var metadata: [String: String]?
    var person: String?
    var imageSHA256: String?
    var box: FaceBox?
    var landmarks: [[Double]]?
    var quality: Double?
    var crop: Data?
    var embedding: [Float]?

    init(kind: Kind) { self.kind = kind }
}

/// What an import did.
public struct ImportSummary: Hashable, Sendable {
    /// People added.
    public var people: Int
    /// People that already existed and received faces (``Gallery/ImportConflict/merge`` only).
    public var merged: Int
    /// Face samples added.
    public var faces: Int
    /// Creates a summary.
    public init(people: Int, merged: Int, faces: Int) {
        self.people = people; self.merged = merged; self.faces = faces
    }
}

extension Gallery {
    /// What an import does with a person whose name is already in the gallery.
    public enum ImportConflict: Sendable {
        /// Refuse the whole import (the default).
        case fail
        /// Add the imported faces to the existing person (metadata is kept).
        case merge
    }

    /// Writes the whole gallery as JSON lines (see the format in the docs), atomically.
    /// - Parameters:
    ///   - url: The destination file; replaced only once the export is complete.
    ///   - includeCrops: Include the aligned crops (base64), needed to re-embed after import.
    /// - Throws: ``GalleryError/io(path:reason:)`` when the file cannot be written.
    public func exportJSONLines(to url: URL, includeCrops: Bool = true) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out = Data()
        func emit(_ line: TransferLine) throws {
            out.append(try encoder.encode(line))
            out.append(0x0A)
        }
        var header = TransferLine(kind: .header)
        header.format = TransferLine.format
        header.version = TransferLine.version
        header.model = model
        try emit(header)
        try read { db in
            for person in try Gallery.fetchPeople(db, whereName: nil) {
                var line = TransferLine(kind: .person)
                line.name = person.name
                line.metadata = person.metadata.isEmpty ? nil : person.metadata
                try emit(line)
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT f.image_sha256, f.box_left, f.box_top, f.box_right, f.box_bottom, f.landmarks,
                           f.quality, f.crop, e.vector
                    FROM face f JOIN embedding e ON e.face_id = f.id WHERE f.person_id = ? ORDER BY f.id
                    """, arguments: [person.id])
                while let row = try rows.next() {
                    var face = TransferLine(kind: .face)
                    face.person = person.name
                    face.imageSHA256 = row[0]
                    face.box = FaceBox(left: row[1], top: row[2], right: row[3], bottom: row[4])
                    face.landmarks = Gallery.decodeLandmarks(row[5]).map { [$0.x, $0.y] }
                    face.quality = row[6]
                    face.crop = includeCrops ? row[7] : nil
                    var vector: [Float] = []
                    guard EmbeddingCodec.append(row[8], dimension: model.dimension, to: &vector) else {
                        throw GalleryError.corrupt(path: path, reason: "an embedding of \(person.name) has the wrong size")
                    }
                    face.embedding = vector
                    try emit(face)
                }
            }
        }
        do {
            try out.write(to: url, options: .atomic)
        } catch {
            throw GalleryError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Imports a JSON-lines export: every line is validated first, then everything is written in
    /// one transaction, so a malformed file imports nothing.
    /// - Parameters:
    ///   - url: The export file.
    ///   - onConflict: What to do with names already in the gallery.
    /// - Returns: What was added.
    /// - Throws: ``GalleryError/invalidImport(line:reason:)`` (1-based line numbers),
    ///   ``GalleryError/modelMismatch(gallery:requested:)`` when the export is from another model,
    ///   ``GalleryError/io(path:reason:)``.
    @discardableResult
    public func importJSONLines(from url: URL, onConflict: ImportConflict = .fail) throws -> ImportSummary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw GalleryError.io(path: url.path, reason: error.localizedDescription)
        }
        return try importJSONLines(data: data, onConflict: onConflict)
    }

    /// Imports a JSON-lines export held in memory (the same format and rules as
    /// ``importJSONLines(from:onConflict:)``): every line is validated before anything is written.
    /// - Parameters:
    ///   - data: The export's bytes.
    ///   - onConflict: What to do with names already in the gallery.
    /// - Returns: What was added.
    /// - Throws: ``GalleryError/invalidImport(line:reason:)``, ``GalleryError/modelMismatch(gallery:requested:)``,
    ///   or the gallery's write errors.
    @discardableResult
    public func importJSONLines(data: Data, onConflict: ImportConflict = .fail) throws -> ImportSummary {
        let plan = try ImportPlan.parse(data, gallery: self)
        return try write { db in
            var summary = ImportSummary(people: 0, merged: 0, faces: 0)
            for person in plan.people {
                let id: Int64
                if let existing = try Gallery.personIDIfAny(db, name: person.name) {
                    guard onConflict == .merge else {
                        throw GalleryError.invalidImport(line: person.line,
                                                         reason: "\"\(person.name)\" is already in the gallery (use merge to add faces)")
                    }
                    id = existing
                    summary.merged += 1
                } else {
                    id = try insertPerson(db, name: person.name, metadataJSON: Gallery.encode(metadata: person.metadata)).id
                    summary.people += 1
                }
                for face in person.faces { _ = try insertFace(db, personID: id, face: face) }
                summary.faces += person.faces.count
            }
            return summary
        }
    }
}
