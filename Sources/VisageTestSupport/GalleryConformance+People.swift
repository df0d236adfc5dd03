import Foundation
import VisageStore

extension GalleryConformance {
    /// People and faces survive reopening; names are case-sensitive; records carry what was stored.
    public static func peopleRoundTrip(_ open: Opener) async throws {
        do {
            let gallery = try await open(model)
            let ada = try await gallery.addPerson(name: "Ada", metadata: ["team": "math"])
            try expectEqual(ada.name, "Ada")
            _ = try await gallery.addPerson(name: "ada", metadata: [:])  // case-sensitive: another person
            _ = try await gallery.enroll(personName: "Ada", createIfMissing: false, faces: [sampleFace(1), sampleFace(2)])
            try expectEqual(try await gallery.person(id: ada.id)?.name, "Ada", "person(id:)")
            try expect(try await gallery.person(id: ada.id + 1000) == nil, "person(id:) of an unknown id")
        }
        let gallery = try await open(model)
        let people = try await gallery.people()
        try expectEqual(people.map(\.name), ["Ada", "ada"], "people in byte order")
        try expectEqual(people[0].metadata, ["team": "math"])
        try expectEqual(people[0].faceCount, 2)
        try expectEqual(people[1].faceCount, 0)
        try expectEqual(people[1].metadata, [:])
        let faces = try await gallery.faces(of: "Ada")
        try expectEqual(faces.count, 2)
        try expectEqual(faces[0].box, sampleFace().box)
        try expectEqual(faces[0].landmarks, sampleFace().landmarks)
        try expectEqual(faces[0].quality, 0.875)
        try expectEqual(faces[0].imageSHA256, sampleFace().imageSHA256)
        try expectEqual(faces[0].personID, people[0].id)
        try expect(!faces[0].hasCrop, "no crop was stored")
        try expect(faces[0].id < faces[1].id, "faces in enrolment order")
    }

    /// A duplicate name is refused by add and rename, and a refused write is not counted.
    public static func duplicateNames(_ open: Opener) async throws {
        let gallery = try await open(model)
        _ = try await gallery.addPerson(name: "Bob", metadata: ["a": "1"])
        let before = try await gallery.version()
        try await expectError(.duplicateName(name: "Bob")) { try await gallery.addPerson(name: "Bob", metadata: ["a": "2"]) }
        _ = try await gallery.addPerson(name: "Carol", metadata: [:])
        try await expectError(.duplicateName(name: "Bob")) { try await gallery.rename("Carol", to: "Bob") }
        try expectEqual(try await gallery.people().map(\.name), ["Bob", "Carol"])
        try expectEqual(try await gallery.person(named: "Bob")?.metadata, ["a": "1"])
        try expectEqual(try await gallery.version(), before + 1, "only the Carol insert was committed")
    }

    /// Unknown names and face ids give specific errors and change nothing.
    public static func unknownPersonAndFace(_ open: Opener) async throws {
        let gallery = try await open(model)
        try expect(try await gallery.person(named: "Nobody") == nil, "no such person")
        try await expectError(.unknownPerson(name: "Nobody")) { try await gallery.rename("Nobody", to: "X") }
        try await expectError(.unknownPerson(name: "Nobody")) { try await gallery.removePerson("Nobody") }
        try await expectError(.unknownPerson(name: "Nobody")) { try await gallery.faces(of: "Nobody") }
        try await expectError(.unknownPerson(name: "Nobody")) { try await gallery.setMetadata(["a": "b"], of: "Nobody") }
        try await expectError(.unknownPerson(name: "Nobody")) {
            try await gallery.enroll(personName: "Nobody", createIfMissing: false, faces: [sampleFace()])
        }
        try await expectError(.unknownFace(id: 42)) { try await gallery.removeFace(FaceID(rawValue: 42)) }
        let stats = try await gallery.stats()
        try expectEqual(stats.people, 0)
        try expectEqual(stats.version, 0, "failed writes are not counted")
    }

    /// Blank, over-long and NUL-containing names are refused; the longest valid name is accepted.
    public static func invalidNames(_ open: Opener) async throws {
        let gallery = try await open(model)
        for name in ["", "   ", "\n", "a\u{0}b", String(repeating: "x", count: Gallery.maximumNameLength + 1)] {
            try await expectError(.invalidName(name: name)) { try await gallery.addPerson(name: name, metadata: [:]) }
        }
        let longest = String(repeating: "é", count: Gallery.maximumNameLength)
        _ = try await gallery.addPerson(name: longest, metadata: [:])
        try expectEqual(try await gallery.people().map(\.name), [longest])
        try expect(try await gallery.person(named: "a\u{0}b") == nil, "a NUL name finds no one")
    }

    /// Renaming keeps the faces; removing a face or a person cascades to embeddings.
    public static func renameAndCascadingRemove(_ open: Opener) async throws {
        let gallery = try await open(model)
        let ids = try await gallery.enroll(personName: "Dan", createIfMissing: true, faces: [sampleFace(), sampleFace(5)])
        _ = try await gallery.enroll(personName: "Eve", createIfMissing: true, faces: [sampleFace(9)])
        try await gallery.rename("Dan", to: "Daniel")
        try await gallery.rename("Daniel", to: "Daniel")  // a no-op rename is fine
        try expectEqual(try await gallery.faces(of: "Daniel").map(\.id), ids)
        try expect(try await gallery.person(named: "Dan") == nil, "the old name is free")
        try await gallery.removeFace(ids[0])
        try expectEqual(try await gallery.allEmbeddings().count, 2)
        try await gallery.removePerson("Daniel")
        let remaining = try await gallery.allEmbeddings()
        try expectEqual(remaining.names, ["Eve"])
        try expectEqual(Array(remaining.row(0)), [9, 10, 11, 12])
        try expectEqual(try await gallery.stats().faces, 1)
    }

    /// Metadata is replaced as a whole, and emptied by an empty dictionary.
    public static func metadataReplacement(_ open: Opener) async throws {
        let gallery = try await open(model)
        _ = try await gallery.addPerson(name: "Fay", metadata: ["a": "1", "b": "2"])
        try await gallery.setMetadata(["c": "ü \"quoted\""], of: "Fay")
        try expectEqual(try await gallery.person(named: "Fay")?.metadata, ["c": "ü \"quoted\""])
        try await gallery.setMetadata([:], of: "Fay")
        try expectEqual(try await gallery.person(named: "Fay")?.metadata, [:])
    }
}
