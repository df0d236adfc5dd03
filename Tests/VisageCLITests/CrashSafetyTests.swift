import Foundation
import VisageStore
import VisageTestSupport
import XCTest

/// The CI-sized run of scripts/crash-safety.sh: `visage enroll` processes killed with SIGKILL at
/// random moments; after each kill the gallery opens, passes `PRAGMA integrity_check` and holds
/// every acknowledged enrolment. The full run (1,000 people, 20 kills) is the script's default.
final class CrashSafetyTests: XCTestCase {
    func testKilledEnrolmentsLoseNothingAcknowledged() throws {
        let script = TestData.repositoryRoot.appendingPathComponent("scripts/crash-safety.sh")
        let images = try TestData.shared("reference/dlib/images")
        let work = try temporaryFolder(self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        var environment = ProcessInfo.processInfo.environment
        environment["VISAGE_BIN"] = try CLI.binary().path
        environment["VISAGE_SHARED_DATA"] = images.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        environment["CRASH_PEOPLE"] = "14"
        environment["CRASH_KILLS"] = "5"
        environment["CRASH_SEED"] = "2026"
        environment["CRASH_WORK"] = work.path
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, log)
        XCTAssertTrue(log.contains("crash safety: 14 people, 5 kills"), log)
        XCTAssertTrue(log.contains(", 0 failures"), log)

        // The survivors, read through the library: every acknowledged name is there, each with its photo.
        let path = work.appendingPathComponent("gallery.sqlite").path
        let gallery = try Gallery.open(path: path, model: try Gallery.boundModel(path: path), mode: .readOnly)
        defer { try? gallery.close() }
        try gallery.verifyIntegrity()
        let people = try gallery.people()
        let acknowledged = try String(contentsOf: work.appendingPathComponent("acknowledged.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertGreaterThanOrEqual(acknowledged.count, 9, "the 9 enrolments that were not killed are acknowledged")
        XCTAssertTrue(Set(acknowledged).isSubset(of: Set(people.map(\.name))), "\(acknowledged) ⊄ \(people.map(\.name))")
        XCTAssertTrue(people.allSatisfy { $0.faceCount == 1 }, "\(people)")
    }
}
