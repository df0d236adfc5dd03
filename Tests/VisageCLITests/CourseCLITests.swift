import Foundation
import XCTest
import VisageTestSupport

/// The course's graded `verify` / `who_is_it` cases through the real binary, with the 160×160
/// FaceNet and the notebook's 12-person database.
final class CourseCLITests: XCTestCase {
    /// The database of the notebook, in its order.
    static let people = ["danielle", "younes", "tian", "andrew", "kian", "dan", "sebastiano", "bertrand",
                         "kevin", "felix", "benoit", "arnaud"]

    /// A folder with one file per person, linked from `source` with the given extension rule.
    private func database(from source: URL, fileFor: (String) -> String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-db-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        for name in Self.people {
            let file = fileFor(name)
            let ext = (file as NSString).pathExtension
            try FileManager.default.createSymbolicLink(
                at: dir.appendingPathComponent("\(name).\(ext)"), withDestinationURL: source.appendingPathComponent(file))
        }
        return dir
    }

    private func checks(_ decoder: String) throws -> [String: Any] {
        let json = try TestData.json(TestData.shared("reference/facenet160/notebook_checks.json")) as! [String: Any]
        return (json["results"] as! [String: Any])[decoder] as! [String: Any]
    }

    /// Runs every graded case for one decoder column.
    private func runGradedCases(decoder: String, images: URL, db: URL, imageFile: (String) -> String,
                                tolerance: Double) throws {
        let results = try checks(decoder)
        for case let c as [String: Any] in results["verify"] as! [Any] {
            let image = images.appendingPathComponent(imageFile(c["image"] as! String)).path
            let r = try CLI.run(["verify", image, "--as", c["identity"] as! String, "--db", db.path,
                                 "--model", "facenet-160", "--json"])
            let expectedOpen = c["door_open"] as! Bool
            XCTAssertEqual(r.status, expectedOpen ? 0 : 1, "\(decoder) verify \(c["image"]!): \(r.stderr)")
            let out = try r.jsonLines()
            XCTAssertEqual(out.count, 1)
            let d = out.first?["distance"] as? Double ?? .nan
            XCTAssertEqual(d, c["dist_float32"] as! Double, accuracy: tolerance, "\(decoder) verify \(c["image"]!) as \(c["identity"]!)")
            XCTAssertEqual(out.first?["door_open"] as? Bool, expectedOpen)
        }
        for case let c as [String: Any] in results["who_is_it"] as! [Any] {
            let image = images.appendingPathComponent(imageFile(c["image"] as! String)).path
            let r = try CLI.run(["who-is-it", image, "--db", db.path, "--model", "facenet-160", "--json"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let out = try r.jsonLines().first ?? [:]
            XCTAssertEqual(out["identity"] as? String, c["identity"] as? String)
            XCTAssertEqual(out["distance"] as? Double ?? .nan, c["min_dist_float32"] as! Double, accuracy: tolerance)
        }
    }

    func testNotebookPixelsReproduceTheNotebookTo1e5() throws {
        // The notebook decoded its JPEGs with IJG libjpeg 9: these are those pixels, as PPM.
        let pixels = try TestData.shared("reference/pixels/libjpeg9")
        let db = try database(from: pixels) { "\($0).ppm" }
        try runGradedCases(decoder: "libjpeg9", images: pixels, db: db,
                           imageFile: { ($0 as NSString).deletingPathExtension + ".ppm" }, tolerance: 1e-5)
        // The notebook's own printed values, for the two headline cases.
        let r = try CLI.run(["who-is-it", pixels.appendingPathComponent("camera_0.ppm").path, "--db", db.path,
                             "--model", "facenet-160"])
        XCTAssertTrue(r.stdout.contains("It's younes, the distance is 0.59929"), r.stdout)
    }

    func testJPEGFilesThroughVisageDecoderMatchLibjpegTurboColumn() throws {
        let images = try TestData.shared("coursera-facenet-images")
        let db = try database(from: images) { $0 == "danielle" ? "danielle.png" : "\($0).jpg" }
        try runGradedCases(decoder: "libjpeg-turbo", images: images, db: db, imageFile: { $0 }, tolerance: 1e-4)
    }

    func testUnknownIdentityIsAnErrorWithExitCode2() throws {
        let pixels = try TestData.shared("reference/pixels/libjpeg9")
        let db = try database(from: pixels) { "\($0).ppm" }
        let r = try CLI.run(["verify", pixels.appendingPathComponent("camera_0.ppm").path, "--as", "nobody",
                             "--db", db.path, "--model", "facenet-160"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("'nobody' is not in the database"), r.stderr)
    }

    func testUnreadableImageIsAnErrorWithExitCode2() throws {
        let pixels = try TestData.shared("reference/pixels/libjpeg9")
        let db = try database(from: pixels) { "\($0).ppm" }
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("not-an-image-\(UUID().uuidString).jpg")
        try Data("hello".utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        let r = try CLI.run(["who-is-it", bad.path, "--db", db.path, "--model", "facenet-160"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("cannot read image"), r.stderr)
    }
}
