import Foundation
import VisageImage
import VisageTestSupport
import XCTest

/// Bad inputs to the gallery commands give specific errors (exit 2, or 1 for rejected photos)
/// and leave the gallery exactly as it was.
final class GalleryErrorCLITests: XCTestCase {
    private var dir: URL!
    private var gallery: String!

    override func setUpWithError() throws {
        dir = try GalleryFixture.temporaryDirectory(self)
        gallery = dir.appendingPathComponent("g.sqlite").path
    }

    /// Runs a command and checks the gallery's content is unchanged.
    private func unchanged(_ arguments: [String], status: Int32, stderr expected: String? = nil,
                           file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let before = try GalleryFixture.dump(gallery)
        let r = try CLI.run(arguments + ["--gallery", gallery])
        XCTAssertEqual(r.status, status, "\(arguments): \(r.stdout) \(r.stderr)", file: file, line: line)
        if let expected { XCTAssertTrue(r.stderr.contains(expected), "stderr: \(r.stderr)", file: file, line: line) }
        XCTAssertEqual(try GalleryFixture.dump(gallery), before, "gallery changed by \(arguments)", file: file, line: line)
        return r
    }

    func testBadInputsLeaveTheGalleryUnchanged() throws {
        let colin = try GalleryFixture.photo("Colin_Powell", 1)
        XCTAssertEqual(try CLI.run(["enroll", "Colin", colin, "--gallery", gallery]).status, 0)
        XCTAssertEqual(try CLI.run(["enroll", "Tony", try GalleryFixture.photo("Tony_Blair", 1), "--face", "largest", "--gallery", gallery]).status, 0)

        // No face: rejected with its reason code, nothing written (exit 1).
        let blank = dir.appendingPathComponent("blank.png").path
        try Data(try Image(width: 200, height: 200, format: .rgb, fill: 128).pngData()).write(to: URL(fileURLWithPath: blank))
        let noFace = try unchanged(["enroll", "Colin", blank, "--json"], status: 1)
        let outcome = try XCTUnwrap(try noFace.jsonLines().first)
        XCTAssertEqual(outcome["status"] as? String, "rejected")
        XCTAssertEqual(outcome["reason"] as? String, "no_face")
        // The same photo again: duplicate_image.
        let again = try unchanged(["enroll", "Colin", colin, "--json"], status: 1)
        XCTAssertEqual(try again.jsonLines().first?["reason"] as? String, "duplicate_image")
        // Not an image at all.
        let text = dir.appendingPathComponent("notes.jpg").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        let unreadable = try unchanged(["enroll", "Colin", text, "--json"], status: 1)
        XCTAssertEqual(try unreadable.jsonLines().first?["reason"] as? String, "unreadable_image")

        // Unknown name, duplicate name.
        _ = try unchanged(["verify", colin, "--as", "Nobody"], status: 2, stderr: "No person named \"Nobody\"")
        _ = try unchanged(["people", "show", "Nobody"], status: 2, stderr: "No person named \"Nobody\"")
        _ = try unchanged(["people", "remove", "Nobody"], status: 2, stderr: "No person named \"Nobody\"")
        _ = try unchanged(["people", "rename", "Colin", "Tony"], status: 2, stderr: "A person named \"Tony\" already exists")
        _ = try unchanged(["enroll", "Tony", try GalleryFixture.photo("Tony_Blair", 2), "--new", "--face", "largest"], status: 2,
                          stderr: "A person named \"Tony\" already exists")
        // A photo without a face to verify.
        _ = try unchanged(["verify", blank, "--as", "Colin"], status: 2, stderr: "No face found")
    }

    func testCorruptGalleryFile() throws {
        var garbage = Data("SQLite format 3\u{0}".utf8)
        garbage.append(Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }))
        try garbage.write(to: URL(fileURLWithPath: gallery))
        let colin = try GalleryFixture.photo("Colin_Powell", 1)
        for arguments in [["enroll", "Colin", colin], ["identify", colin], ["verify", colin, "--as", "Colin"],
                          ["people", "list"], ["gallery", "stats"]] {
            let r = try CLI.run(arguments + ["--gallery", gallery])
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("damaged or not a database"), "\(arguments): \(r.stderr)")
            XCTAssertEqual(GalleryFixture.bytes(gallery), garbage, "\(arguments) wrote to a corrupt gallery")
        }
        // Not a database at all, and a missing gallery.
        try Data("just text".utf8).write(to: URL(fileURLWithPath: gallery))
        XCTAssertEqual(try CLI.run(["identify", colin, "--gallery", gallery]).status, 2)
        let missing = dir.appendingPathComponent("missing.sqlite").path
        let r = try CLI.run(["identify", colin, "--gallery", missing])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("No gallery at"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a read command must not create a gallery")
    }

    func testReadOnlyPath() throws {
        let colin = try GalleryFixture.photo("Colin_Powell", 1)
        XCTAssertEqual(try CLI.run(["enroll", "Colin", colin, "--gallery", gallery]).status, 0)
        // A directory that does not exist, and (as root, who ignores permission bits) a read-only file system.
        let nowhere = dir.appendingPathComponent("no/such/dir/g.sqlite").path
        let r = try CLI.run(["enroll", "Colin", colin, "--gallery", nowhere])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("does not exist"), r.stderr)
        if getuid() != 0 {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: gallery)
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: dir.path)
            defer {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
                try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: gallery)
            }
            let before = GalleryFixture.bytes(gallery)
            let w = try CLI.run(["enroll", "Tony", try GalleryFixture.photo("Tony_Blair", 1), "--face", "largest", "--gallery", gallery])
            XCTAssertEqual(w.status, 2)
            XCTAssertTrue(w.stderr.contains("read-only"), w.stderr)
            XCTAssertEqual(GalleryFixture.bytes(gallery), before)
            // Reading still works.
            XCTAssertEqual(try CLI.run(["identify", colin, "--gallery", gallery]).status, 0)
        } else {
            let ro = "/proc/visage-test.sqlite"
            let w = try CLI.run(["enroll", "Tony", try GalleryFixture.photo("Tony_Blair", 1), "--gallery", ro])
            XCTAssertEqual(w.status, 2, w.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: ro))
        }
    }
}
