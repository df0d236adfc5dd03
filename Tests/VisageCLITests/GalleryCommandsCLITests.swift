import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// `people`, `gallery`, `recognize`, `verify` (gallery mode) and a stored calibration, through
/// the real binary.
final class GalleryCommandsCLITests: XCTestCase {
    func testPeopleExportImportAndVerify() throws {
        let dir = try GalleryFixture.temporaryDirectory(self)
        let gallery = dir.appendingPathComponent("g.sqlite").path
        let g = ["--gallery", gallery]
        let enrol = try CLI.run(["enroll", "Colin", try GalleryFixture.photo("Colin_Powell", 1), try GalleryFixture.photo("Colin_Powell", 2), "--json"] + g)
        XCTAssertEqual(enrol.status, 0, enrol.stderr)
        XCTAssertEqual(try enrol.jsonLines().compactMap { $0["face_id"] as? Int }.count, 2)
        XCTAssertEqual(try CLI.run(["enroll", "Tony", try GalleryFixture.photo("Tony_Blair", 1), "--face", "largest"] + g).status, 0)

        let list = try CLI.run(["people", "list", "--json"] + g).jsonLines()
        XCTAssertEqual(list.map { $0["name"] as? String }, ["Colin", "Tony"])
        XCTAssertEqual(list.map { $0["faces"] as? Int }, [2, 1])
        let show = try CLI.run(["people", "show", "Colin", "--json"] + g).jsonLines()[0]
        XCTAssertEqual((show["samples"] as? [Any])?.count, 2)

        // verify: exit 0 for the right person, 1 for the wrong one.
        let probe = try GalleryFixture.photo("Colin_Powell", 3)
        let yes = try CLI.run(["verify", probe, "--as", "Colin", "--json"] + g)
        XCTAssertEqual(yes.status, 0, yes.stderr)
        let verdict = try yes.jsonLines()[0]
        XCTAssertEqual(verdict["match"] as? Bool, true)
        XCTAssertLessThan(try XCTUnwrap(verdict["distance"] as? Double), 0.6)
        XCTAssertEqual(verdict["threshold"] as? Double, 0.6)
        XCTAssertTrue(verdict["probability"] is NSNull, "no calibration stored yet")
        let no = try CLI.run(["verify", probe, "--as", "Tony", "--json"] + g)
        XCTAssertEqual(no.status, 1, no.stderr)
        XCTAssertEqual(try no.jsonLines()[0]["match"] as? Bool, false)
        // --threshold overrides the registry's.
        let strict = try CLI.run(["verify", probe, "--as", "Colin", "--threshold", "0.05", "--json"] + g)
        XCTAssertEqual(strict.status, 1)

        // rename, export, import into a new gallery, remove.
        XCTAssertEqual(try CLI.run(["people", "rename", "Colin", "Colin Powell"] + g).status, 0)
        let export = dir.appendingPathComponent("export.jsonl").path
        XCTAssertEqual(try CLI.run(["gallery", "export", export] + g).status, 0)
        let copy = dir.appendingPathComponent("copy.sqlite").path
        let imported = try CLI.run(["gallery", "import", export, "--json", "--gallery", copy])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertEqual(try imported.jsonLines()[0]["faces"] as? Int, 3)
        let again = try CLI.run(["gallery", "import", export, "--gallery", copy])
        XCTAssertEqual(again.status, 2, "importing the same names again must fail")
        let identify = try CLI.run(["identify", probe, "--json", "--gallery", copy]).jsonLines()[0]
        let face = try XCTUnwrap((identify["faces"] as? [[String: Any]])?.first)
        XCTAssertEqual(face["identity"] as? String, "Colin Powell")
        XCTAssertNotNil(face["margin"] as? Double)
        XCTAssertEqual(try CLI.run(["people", "remove", "Tony"] + g).status, 0)
        let stats = try CLI.run(["gallery", "stats", "--json"] + g).jsonLines()[0]
        XCTAssertEqual(stats["people"] as? Int, 1)
        XCTAssertEqual(stats["faces"] as? Int, 2)
        XCTAssertEqual(stats["model"] as? String, "dlib-resnet")
        XCTAssertEqual(stats["faces_with_crops"] as? Int, 2)
    }

    func testRecognizeIsFaceRecognitionCompatible() throws {
        let dir = try GalleryFixture.temporaryDirectory(self)
        let known = dir.appendingPathComponent("known"), unknown = dir.appendingPathComponent("unknown")
        for folder in [known, unknown] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        for name in ["Colin_Powell", "Tony_Blair"] {
            try FileManager.default.createSymbolicLink(atPath: known.appendingPathComponent("\(name).jpg").path,
                                                       withDestinationPath: try GalleryFixture.photo(name, 1))
        }
        let colin = unknown.appendingPathComponent("a.jpg").path, stranger = unknown.appendingPathComponent("b.jpg").path
        try FileManager.default.createSymbolicLink(atPath: colin, withDestinationPath: try GalleryFixture.photo("Colin_Powell", 2))
        try FileManager.default.createSymbolicLink(atPath: stranger, withDestinationPath: try GalleryFixture.photo("Abdullah_Gul", 1))
        let blank = unknown.appendingPathComponent("c.png").path
        try Data(try Image(width: 120, height: 120, format: .rgb, fill: 90).pngData()).write(to: URL(fileURLWithPath: blank))
        let r = try CLI.run(["recognize", known.path, unknown.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.lines, ["\(colin),Colin_Powell", "\(stranger),unknown_person", "\(blank),no_persons_found"])
        let d = try CLI.run(["recognize", known.path, colin, blank, "--show-distance", "--tolerance", "0.6"])
        XCTAssertEqual(d.lines.count, 2)
        let fields = d.lines[0].split(separator: ",")
        XCTAssertEqual(fields.count, 3)
        XCTAssertEqual(String(fields[1]), "Colin_Powell")
        XCTAssertLessThan(try XCTUnwrap(Double(String(fields[2]))), 0.6)
        XCTAssertEqual(d.lines[1], "\(blank),no_persons_found,None")
    }

    /// `calibrate DIR --gallery` stores the calibration; identify and verify then report a
    /// probability and the threshold's false-accept rate.
    func testCalibrationStoredInGalleryGivesProbabilities() throws {
        let dir = try GalleryFixture.temporaryDirectory(self)
        let people = try GalleryFixture.people().filter { $0.1 >= 3 }.prefix(12)
        let folders = dir.appendingPathComponent("people")
        for (name, _) in people {
            let folder = folders.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for n in 1...3 {
                try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("\(n).jpg").path,
                                                           withDestinationPath: try GalleryFixture.photo(name, n))
            }
        }
        let gallery = dir.appendingPathComponent("g.sqlite").path
        let first = people.first!.0
        XCTAssertEqual(try CLI.run(["enroll", first, try GalleryFixture.photo(first, 1), "--gallery", gallery]).status, 0)
        let c = try CLI.run(["calibrate", folders.path, "--gallery", gallery, "--target-far", "0.01", "--quiet"])
        XCTAssertEqual(c.status, 0, c.stderr)
        XCTAssertTrue(c.stdout.contains("gallery \(gallery)"), c.stdout)
        let stats = try CLI.run(["gallery", "stats", "--json", "--gallery", gallery]).jsonLines()[0]
        XCTAssertEqual(stats["calibrated"] as? Bool, true)
        let v = try CLI.run(["verify", try GalleryFixture.photo(first, 2), "--as", first, "--json", "--gallery", gallery])
        let verdict = try v.jsonLines()[0]
        let p = try XCTUnwrap(verdict["probability"] as? Double, "\(verdict)")
        XCTAssertEqual(verdict["match"] as? Bool, true)
        XCTAssertGreaterThan(p, 0.5, "a genuine pair well under the threshold")
        let far = try XCTUnwrap(verdict["false_accept_rate"] as? Double)
        XCTAssertTrue((0...1).contains(far))
        let id = try CLI.run(["identify", try GalleryFixture.photo(first, 2), "--json", "--gallery", gallery]).jsonLines()[0]
        let face = try XCTUnwrap((id["faces"] as? [[String: Any]])?.first)
        XCTAssertNotNil(face["probability"] as? Double)
        XCTAssertEqual(face["false_accept_rate"] as? Double, far)
    }
}
