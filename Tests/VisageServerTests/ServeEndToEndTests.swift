import Foundation
import VisageServer
import VisageTestSupport
import XCTest

/// The real `visage serve` binary: the web page in headless Chromium, two servers on one
/// gallery, and the key/bind rules.
final class ServeEndToEndTests: XCTestCase {
    private func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Opens a photo in the page (through its file input), enrols the face with the page's own
    /// controls, sees it named, and deletes the person — all in a real Chromium.
    func testWebPageInHeadlessChromium() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else {
            throw ServerTestFailure("chromium is not installed: run `bash scripts/setup.sh --for-tests` (Debian package chromium)")
        }
        let photo = try ServerFixture.lfwPath("Tony_Blair", 1)
        let dir = try temporaryDirectory()
        let server = try ServeProcess(["--gallery", dir.appendingPathComponent("g.sqlite").path, "--upsample", "0"])
        defer { server.stop() }
        let screenshot = dir.appendingPathComponent("page.png")
        let script = TestData.repositoryRoot.appendingPathComponent("scripts/browser_check.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, server.baseURL + "/", photo, "Tony Blair", screenshot.path, chromium]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, errText)
        let report = try XCTUnwrap((try? JSONSerialization.jsonObject(with: data)) as? [String: [String: Any]],
                                   "no JSON from the browser check: \(String(decoding: data, as: UTF8.self)) \(errText)")
        XCTAssertEqual(report["initial"]?["people"] as? [String], [])
        XCTAssertEqual(report["opened"]?["labels"] as? [String], ["unknown"])
        XCTAssertEqual(report["opened"]?["boxVisible"] as? Bool, true)
        XCTAssertEqual(report["enrolled"]?["labels"] as? [String], ["Tony Blair"])
        XCTAssertEqual(report["enrolled"]?["known"] as? Int, 1)
        XCTAssertEqual(report["enrolled"]?["people"] as? [String], ["Tony Blair (1)"])
        XCTAssertEqual(report["deleted"]?["people"] as? [String], [])
        XCTAssertEqual(report["deleted"]?["labels"] as? [String], ["unknown"])
        let png = try Data(contentsOf: screenshot)
        XCTAssertGreaterThan(png.count, 5_000)
        XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    /// A person enrolled through one server is identified by another on the same gallery file.
    func testTwoServersOnOneSQLiteGalleryAgreeWithinASecond() async throws {
        let dir = try temporaryDirectory()
        let gallery = dir.appendingPathComponent("g.sqlite").path
        let a = try ServeProcess(["--gallery", gallery, "--upsample", "0"])
        defer { a.stop() }
        let b = try ServeProcess(["--gallery", gallery, "--upsample", "0"])
        defer { b.stop() }
        try await Self.checkConsistency(a, b)
    }

    /// The same with `--postgres`: two server processes on one PostgreSQL gallery.
    func testTwoServersOnOnePostgreSQLGalleryAgreeWithinASecond() async throws {
        let url = try TestPostgres.freshURL(prefix: "serve")
        let a = try ServeProcess(["--postgres", url, "--upsample", "0"])
        defer { a.stop() }
        let b = try ServeProcess(["--postgres", url, "--upsample", "0"])
        defer { b.stop() }
        try await Self.checkConsistency(a, b)
        XCTAssertEqual(a.stop(), 0, "SIGTERM should stop the server cleanly")
    }

    /// A bad URL or an unreachable PostgreSQL stops `visage serve` with a clear message.
    func testServeWithBadPostgreSQLURLFailsClearly() throws {
        let bad = try CLI.run(["serve", "--port", "0", "--postgres", "mysql://nobody@localhost/x"])
        XCTAssertEqual(bad.status, 2, bad.stderr)
        XCTAssertTrue(bad.stderr.contains("Invalid PostgreSQL URL"), bad.stderr)
        // Port 1 on loopback: nothing listens there.
        let down = try CLI.run(["serve", "--port", "0", "--postgres", "postgres://visage@127.0.0.1:1/visage?connect_timeout=2"])
        XCTAssertEqual(down.status, 2, down.stderr)
        XCTAssertTrue(down.stderr.contains("Cannot reach the PostgreSQL server"), down.stderr)
    }

    /// Enrols through `a`, then polls `b` until it names the face (at most one second).
    static func checkConsistency(_ a: ServeProcess, _ b: ServeProcess) async throws {
        let blair1 = Data(try ServerFixture.lfw("Tony_Blair", 1)), blair2 = Data(try ServerFixture.lfw("Tony_Blair", 2))
        // b loads its index before the enrolment, so it must notice the change.
        let before = try await b.call("POST", "/v1/identify", body: blair2, contentType: "image/jpeg")
        XCTAssertEqual(before.status, 200)
        XCTAssertNil(((before.json?["faces"] as? [[String: Any]])?.first)?["person"])

        let created = try await a.call("POST", "/v1/people", body: try JSONSerialization.data(withJSONObject: ["name": "Tony Blair"]),
                                       contentType: "application/json")
        let id = try XCTUnwrap(created.json?["id"] as? Int)
        let enrolled = try await a.call("POST", "/v1/people/\(id)/faces", body: blair1, contentType: "image/jpeg")
        XCTAssertEqual(enrolled.status, 201)
        let start = Date()
        var named: String?
        repeat {
            let seen = try await b.call("POST", "/v1/identify", body: blair2, contentType: "image/jpeg")
            named = (((seen.json?["faces"] as? [[String: Any]])?.first)?["person"] as? [String: Any])?["name"] as? String
        } while named == nil && Date().timeIntervalSince(start) < 1
        XCTAssertEqual(named, "Tony Blair", "the second server did not see the enrolment within a second")
    }

    func testPublicBindWithoutKeysIsRefused() throws {
        let dir = try temporaryDirectory()
        let result = try CLI.run(["serve", "--host", "0.0.0.0", "--port", "0", "--gallery", dir.appendingPathComponent("g.sqlite").path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--api-key-file"), result.stderr)
    }

    func testKeyFileProtectsTheAPIOfARealServer() async throws {
        let dir = try temporaryDirectory()
        let hashed = try CLI.run(["serve", "--hash-key", "door-key-1"])
        XCTAssertEqual(hashed.status, 0)
        XCTAssertEqual(hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines), APIKeySet.hashLine(for: "door-key-1"))
        let keyFile = dir.appendingPathComponent("keys.txt")
        try hashed.stdout.write(to: keyFile, atomically: true, encoding: .utf8)
        let server = try ServeProcess(["--host", "0.0.0.0", "--api-key-file", keyFile.path,
                                       "--gallery", dir.appendingPathComponent("g.sqlite").path, "--upsample", "0"])
        defer { server.stop() }
        let refused = try await server.call("GET", "/v1/people")
        XCTAssertEqual(refused.status, 401)
        XCTAssertEqual((refused.json?["error"] as? [String: Any])?["code"] as? String, "unauthorized")
        let allowed = try await server.call("GET", "/v1/people", headers: ["Authorization": "Bearer door-key-1"])
        XCTAssertEqual(allowed.status, 200)
        let health = try await server.call("GET", "/health")
        XCTAssertEqual(health.status, 200)
        XCTAssertEqual(server.stop(), 0, "SIGTERM should stop the server cleanly")
    }
}
