import Foundation
import VisageStore
import XCTest

final class GalleryConcurrencyTests: XCTestCase {
    /// Two independent connections pools (as two processes would have) write the same file at once.
    func testTwoWritersDoNotCorruptTheGallery() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("g.sqlite")
        let first = try Gallery.open(path: path, model: testModel, create: true)
        let second = try Gallery.open(path: path, model: testModel)
        let perWriter = 200
        let errors = ErrorBox()
        let group = DispatchGroup()
        for (w, gallery) in [first, second].enumerated() {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                do {
                    for i in 0..<perWriter {
                        try gallery.enroll(personName: "w\(w)-\(i % 20)", createIfMissing: true, faces: [sampleFace(Float(i))])
                    }
                } catch {
                    errors.add(error)
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(errors.all.map { "\($0)" }, [])
        try first.verifyIntegrity()
        let stats = try second.stats()
        XCTAssertEqual(stats.people, 40)
        XCTAssertEqual(stats.faces, 2 * perWriter)
        XCTAssertEqual(stats.version, Int64(2 * perWriter))
        XCTAssertEqual(try first.allEmbeddings().count, 2 * perWriter)
    }
}

/// Collects errors from worker threads.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [Error] = []
    func add(_ error: Error) { lock.lock(); errors.append(error); lock.unlock() }
    var all: [Error] { lock.lock(); defer { lock.unlock() }; return errors }
}

final class GalleryCrossProcessTests: XCTestCase {
    /// A second OS process (python3's sqlite3) holds write locks on the same file while this
    /// process enrols: both sides' writes must all land and the file must stay intact.
    func testAnotherProcessWritingConcurrently() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("g.sqlite")
        let gallery = try Gallery.open(path: path, model: testModel, create: true)
        let script = """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
            for i in range(200):
                c.execute('BEGIN IMMEDIATE')
                c.execute("INSERT INTO person (name, created_at) VALUES (?, 0)", ('py%d' % i,))
                c.execute('UPDATE meta SET change_counter = change_counter + 1 WHERE id = 1')
                time.sleep(0.001)
                c.execute('COMMIT')
            """
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", script, path]
        try child.run()
        for i in 0..<200 {
            try gallery.enroll(personName: "sw\(i % 10)", createIfMissing: true, faces: [sampleFace(Float(i))])
        }
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 0)
        try gallery.verifyIntegrity()
        let stats = try gallery.stats()
        XCTAssertEqual(stats.people, 210)
        XCTAssertEqual(stats.faces, 200)
        XCTAssertEqual(stats.version, 400)
    }
}
