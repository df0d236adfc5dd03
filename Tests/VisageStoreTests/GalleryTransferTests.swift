import Foundation
import VisageStore
import XCTest

final class GalleryTransferTests: XCTestCase {
    private func populated(_ dir: TemporaryDirectory, name: String = "src.sqlite") throws -> Gallery {
        let gallery = try Gallery.open(path: dir.path(name), model: testModel, create: true)
        try gallery.addPerson(name: "Ann", metadata: ["role": "lead"])
        try gallery.enroll(personName: "Ann", faces: [sampleFace(1, crop: Data([1, 2, 3])), sampleFace(2)])
        var precise = sampleFace()
        precise.embedding = [0.1, -1e-30, 3.4028235e38, 1 / 3]
        try gallery.enroll(personName: "Ben \u{e9}\"quoted\"", createIfMissing: true, faces: [precise])
        return gallery
    }

    func testExportImportRoundTripIsExact() throws {
        let dir = try TemporaryDirectory()
        let source = try populated(dir)
        let file = dir.url.appendingPathComponent("export.jsonl")
        try source.exportJSONLines(to: file)
        let target = try Gallery.open(path: dir.path("dst.sqlite"), model: testModel, create: true)
        let summary = try target.importJSONLines(from: file)
        XCTAssertEqual(summary, ImportSummary(people: 2, merged: 0, faces: 3))
        let a = try source.allEmbeddings(), b = try target.allEmbeddings()
        XCTAssertEqual(a.names, b.names)
        XCTAssertEqual(a.matrix.map(\.bitPattern), b.matrix.map(\.bitPattern))
        XCTAssertEqual(try target.people().map(\.metadata), try source.people().map(\.metadata))
        let faces = try target.faces(of: "Ann")
        XCTAssertEqual(try target.crop(of: faces[0].id), Data([1, 2, 3]))
        XCTAssertEqual(faces[0].landmarks, sampleFace().landmarks)
        // Importing again is refused (names exist) unless merging.
        XCTAssertThrowsError(try target.importJSONLines(from: file))
        XCTAssertEqual(try target.importJSONLines(from: file, onConflict: .merge), ImportSummary(people: 0, merged: 2, faces: 3))
        XCTAssertEqual(try target.stats().faces, 6)
    }

    func testMalformedLineImportsNothing() throws {
        let dir = try TemporaryDirectory()
        let file = dir.url.appendingPathComponent("export.jsonl")
        try populated(dir).exportJSONLines(to: file)
        let good = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(good.count, 6)
        let target = try Gallery.open(path: dir.path("dst.sqlite"), model: testModel, create: true)
        let cases: [(lines: [String], line: Int)] = [
            (good + ["{not json"], 7),
            (Array(good[0..<5]) + [good[5].replacingOccurrences(of: "\"embedding\":[", with: "\"embedding\":[1,")], 6),
            (Array(good[0..<2]) + [good[2].replacingOccurrences(of: "\"imageSHA256\":\"ab", with: "\"imageSHA256\":\"zz")] + good[3...], 3),
            (Array(good[1...]), 1),
            (good + [good[1]], 7),
        ]
        for (lines, line) in cases {
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try target.importJSONLines(from: file)) { error in
                guard case .invalidImport(let reported, _)? = error as? GalleryError else { return XCTFail("\(error)") }
                XCTAssertEqual(reported, line, "\(error)")
            }
            XCTAssertEqual(try target.stats().people, 0)
            XCTAssertEqual(try target.stats().faces, 0)
        }
    }

    func testImportFromAnotherModelIsRefused() throws {
        let dir = try TemporaryDirectory()
        let file = dir.url.appendingPathComponent("export.jsonl")
        try populated(dir).exportJSONLines(to: file)
        let other = GalleryModel(id: "other", preprocessingVersion: 1, dimension: 4)
        let target = try Gallery.open(path: dir.path("dst.sqlite"), model: other, create: true)
        XCTAssertGalleryError(try target.importJSONLines(from: file), .modelMismatch(gallery: other, requested: testModel))
        XCTAssertEqual(try target.stats().people, 0)
    }
}
