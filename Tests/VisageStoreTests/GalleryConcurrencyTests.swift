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
