import Foundation
import VisageStore
import XCTest

final class GalleryPeopleTests: XCTestCase {
    func testPeopleRoundTripAcrossReopen() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("g.sqlite")
        do {
            let gallery = try Gallery.open(path: path, model: testModel, create: true)
            let ada = try gallery.addPerson(name: "Ada", metadata: ["team": "math"])
            XCTAssertEqual(ada.name, "Ada")
            try gallery.addPerson(name: "ada")  // case-sensitive: a different person
            try gallery.enroll(personName: "Ada", faces: [sampleFace(1), sampleFace(2)])
            try gallery.close()
        }
        let gallery = try Gallery.open(path: path, model: testModel)
        let people = try gallery.people()
        XCTAssertEqual(people.map(\.name), ["Ada", "ada"])
        XCTAssertEqual(people[0].metadata, ["team": "math"])
        XCTAssertEqual(people[0].faceCount, 2)
        XCTAssertEqual(people[1].faceCount, 0)
        let faces = try gallery.faces(of: "Ada")
        XCTAssertEqual(faces.count, 2)
        XCTAssertEqual(faces[0].box, sampleFace().box)
        XCTAssertEqual(faces[0].landmarks, sampleFace().landmarks)
        XCTAssertEqual(faces[0].quality, 0.875)
        XCTAssertFalse(faces[0].hasCrop)
    }

    func testDuplicateNameIsRefusedAndChangesNothing() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        try gallery.addPerson(name: "Bob", metadata: ["a": "1"])
        let before = try gallery.version()
        XCTAssertGalleryError(try gallery.addPerson(name: "Bob", metadata: ["a": "2"]), .duplicateName(name: "Bob"))
        try gallery.addPerson(name: "Carol")
        XCTAssertGalleryError(try gallery.rename("Carol", to: "Bob"), .duplicateName(name: "Bob"))
        XCTAssertEqual(try gallery.people().map(\.name), ["Bob", "Carol"])
        XCTAssertEqual(try gallery.person(named: "Bob")?.metadata, ["a": "1"])
        XCTAssertEqual(try gallery.version(), before + 1, "only the Carol insert was committed")
    }

    func testUnknownPersonAndFace() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        XCTAssertNil(try gallery.person(named: "Nobody"))
        XCTAssertGalleryError(try gallery.rename("Nobody", to: "X"), .unknownPerson(name: "Nobody"))
        XCTAssertGalleryError(try gallery.removePerson("Nobody"), .unknownPerson(name: "Nobody"))
        XCTAssertGalleryError(try gallery.faces(of: "Nobody"), .unknownPerson(name: "Nobody"))
        XCTAssertGalleryError(try gallery.enroll(personName: "Nobody", faces: [sampleFace()]),
                              .unknownPerson(name: "Nobody"))
        XCTAssertGalleryError(try gallery.removeFace(FaceID(rawValue: 42)), .unknownFace(id: 42))
        XCTAssertEqual(try gallery.stats().people, 0)
    }

    func testInvalidNames() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        for name in ["", "   ", "\n", String(repeating: "x", count: Gallery.maximumNameLength + 1)] {
            XCTAssertGalleryError(try gallery.addPerson(name: name), .invalidName(name: name))
        }
        try gallery.addPerson(name: String(repeating: "x", count: Gallery.maximumNameLength))
        XCTAssertEqual(try gallery.people().count, 1)
    }

    func testRenameAndCascadingRemove() throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: testModel, create: true)
        let ids = try gallery.enroll(personName: "Dan", createIfMissing: true, faces: [sampleFace(), sampleFace(5)])
        try gallery.enroll(personName: "Eve", createIfMissing: true, faces: [sampleFace(9)])
        try gallery.rename("Dan", to: "Daniel")
        XCTAssertEqual(try gallery.faces(of: "Daniel").map(\.id), ids)
        try gallery.removeFace(ids[0])
        XCTAssertEqual(try gallery.allEmbeddings().count, 2)
        try gallery.removePerson("Daniel")
        let remaining = try gallery.allEmbeddings()
        XCTAssertEqual(remaining.names, ["Eve"])
        XCTAssertEqual(Array(remaining.row(0)), [9, 10, 11, 12])
        XCTAssertEqual(try gallery.stats().faces, 1)
        try gallery.verifyIntegrity()
    }
}
