import Foundation
import VisageImage
import VisageStore
import VisageTestSupport
import XCTest

/// The gallery half of the hostile-input catalogue (issue 10), through `visage enroll`, `identify`
/// and `people`: each fault gives a specific message and exit code, and leaves the gallery as it was.
///
/// The read-only and full-disk cases mount small tmpfs file systems (root is needed, as in CI:
/// root ignores permission bits, so only a read-only mount makes a file read-only for it).
final class HostileGalleryCatalogueTests: XCTestCase {
    private func photo(_ name: String) throws -> String {
        try TestData.shared("reference/dlib/images/\(name).png").path
    }

    /// People and their photo counts, read through the library, after SQLite's integrity check.
    private func contents(_ path: String) throws -> [String: Int] {
        let gallery = try Gallery.open(path: path, model: try Gallery.boundModel(path: path), mode: .readOnly)
        defer { try? gallery.close() }
        try gallery.verifyIntegrity()
        return Dictionary(uniqueKeysWithValues: try gallery.people().map { ($0.name, $0.faceCount) })
    }

    private func enroll(_ gallery: String, _ name: String, _ photo: String, _ extra: [String] = []) throws -> CLI.Result {
        try CLI.run(["enroll", "--gallery", gallery, name, photo] + extra)
    }

    /// Mounts a tmpfs of `kilobytes` at a new folder and unmounts it after the test.
    private func mountTmpfs(kilobytes: Int) throws -> URL {
        let point = try temporaryFolder(self).appendingPathComponent("mnt")
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", point.path],
                hint: "mounting a tmpfs needs root (CI runs as root)")
        addTeardownBlock { _ = try? self.run("/bin/umount", [point.path], hint: "") }
        return point
    }

    private func run(_ tool: String, _ arguments: [String], hint: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(tool) \(arguments.joined(separator: " ")) failed: \(hint)")
        }
    }

    private struct CommandFailed: Error, CustomStringConvertible { let description: String }

    func testUnknownPersonAndDuplicateName() throws {
        let gallery = try temporaryFolder(self).appendingPathComponent("g.sqlite").path
        let tony = try photo("Tony_Blair_0002")
        let enrolled = try enroll(gallery, "Tony", tony)
        XCTAssertEqual(enrolled.status, 0, enrolled.stderr)
        XCTAssertTrue(enrolled.stdout.contains("\(tony): accepted (face 1)"), enrolled.stdout)
        let before = try contents(gallery)
        XCTAssertEqual(before, ["Tony": 1])

        let show = try CLI.run(["people", "show", "Nobody", "--gallery", gallery])
        XCTAssertEqual(show.status, 2, show.stderr)
        XCTAssertTrue(show.stderr.contains("No person named \"Nobody\" in the gallery"), show.stderr)

        let stranger = try CLI.run(["identify", "--gallery", gallery, try photo("Colin_Powell_0001")])
        XCTAssertEqual(stranger.status, 1, "an unknown face is 'no match': \(stranger.stderr)")
        XCTAssertTrue(stranger.stdout.contains("unknown"), stranger.stdout)

        let duplicate = try enroll(gallery, "Tony", try photo("Tony_Blair_0001"), ["--new", "--face", "largest"])
        XCTAssertEqual(duplicate.status, 2, duplicate.stderr)
        XCTAssertTrue(duplicate.stderr.contains("A person named \"Tony\" already exists"), duplicate.stderr)
        XCTAssertEqual(try contents(gallery), before, "the gallery is as it was")
    }

    func testCorruptGalleryIsRefusedAndLeftAlone() throws {
        let folder = try temporaryFolder(self)
        let tony = try photo("Tony_Blair_0002")
        // Not a database at all.
        let garbage = folder.appendingPathComponent("garbage.sqlite").path
        var noise = SystemRandomNumberGenerator()
        let junk = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &noise) }
        try Data(junk).write(to: URL(fileURLWithPath: garbage))
        for arguments in [["identify", "--gallery", garbage, tony], ["enroll", "--gallery", garbage, "Ada", tony]] {
            let result = try CLI.run(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments[0]): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("The gallery at \(garbage) is damaged or not a database"), result.stderr)
            XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: garbage))), junk, "\(arguments[0]) left the file alone")
        }
        // A real gallery whose pages were overwritten after the header.
        let damaged = folder.appendingPathComponent("damaged.sqlite").path
        XCTAssertEqual(try enroll(damaged, "Tony", tony).status, 0)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: damaged)))
        for i in stride(from: 100, to: bytes.count, by: 7) { bytes[i] = 0xA5 }
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: damaged + suffix) }
        let result = try CLI.run(["identify", "--gallery", damaged, tony])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("is damaged or not a database"), result.stderr)
        XCTAssertEqual([UInt8](try Data(contentsOf: URL(fileURLWithPath: damaged))), bytes)
    }

    func testReadOnlyGalleryPath() throws {
        let mount = try mountTmpfs(kilobytes: 2048)
        let gallery = mount.appendingPathComponent("g.sqlite").path
        XCTAssertEqual(try enroll(gallery, "Tony", try photo("Tony_Blair_0002")).status, 0)
        try run("/bin/mount", ["-o", "remount,ro", mount.path], hint: "remounting read-only needs root")
        defer { _ = try? run("/bin/mount", ["-o", "remount,rw", mount.path], hint: "") }

        let refused = try enroll(gallery, "Colin", try photo("Colin_Powell_0001"))
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("The gallery at \(gallery) is read-only"), refused.stderr)
        // Reading still works on the read-only file system.
        let identified = try CLI.run(["identify", "--gallery", gallery, try photo("Tony_Blair_0001")])
        XCTAssertEqual(identified.status, 0, identified.stderr)
        XCTAssertTrue(identified.stdout.contains("Tony"), identified.stdout)
        XCTAssertEqual(try contents(gallery), ["Tony": 1])
    }

    func testFullDiskKeepsTheGalleryIntact() throws {
        let mount = try mountTmpfs(kilobytes: 512)
        let gallery = mount.appendingPathComponent("g.sqlite").path
        XCTAssertEqual(try enroll(gallery, "Tony", try photo("Tony_Blair_0002")).status, 0)
        // Fill the file system, leaving 48 KB: less than one more face with its crop.
        let filler = mount.appendingPathComponent("filler")
        var stats = statvfs()
        XCTAssertEqual(statvfs(mount.path, &stats), 0)
        let free = Int(stats.f_bavail) * Int(stats.f_frsize)
        try Data(count: max(0, free - 48 * 1024)).write(to: filler)

        let refused = try enroll(gallery, "Colin", try photo("Colin_Powell_0001"))
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("the disk is full"), refused.stderr)
        try FileManager.default.removeItem(at: filler)
        XCTAssertEqual(try contents(gallery), ["Tony": 1], "the acknowledged enrolment survives, the failed one left nothing")
        // With space again, the same enrolment goes through.
        XCTAssertEqual(try enroll(gallery, "Colin", try photo("Colin_Powell_0001")).status, 0)
        XCTAssertEqual(try contents(gallery), ["Tony": 1, "Colin": 1])
    }
}
