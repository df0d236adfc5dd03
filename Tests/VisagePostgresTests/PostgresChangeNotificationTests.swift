import Foundation
import VisagePostgres
import VisageStore
import VisageTestSupport
import XCTest

/// Two gallery instances on one database, as two server processes would have: changes made
/// through one reach the other through LISTEN/NOTIFY.
final class PostgresChangeNotificationTests: XCTestCase {
    private var opened = OpenedGalleries()

    override func tearDown() async throws {
        await opened.closeAll()
    }

    private func openPair() async throws -> (PostgresGallery, PostgresGallery) {
        let url = try TestPostgres.freshURL()
        let first = try await PostgresGallery.open(url: url, model: GalleryConformance.model)
        opened.add(first)
        let second = try await PostgresGallery.open(url: url, model: GalleryConformance.model)
        opened.add(second)
        return (first, second)
    }

    /// Waits for the first value from `iterator` that is at least `version`, up to `seconds`.
    private func waitForVersion(_ version: Int64, in iterator: VersionIterator, seconds: Double) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                while let seen = await iterator.next() {
                    if seen >= version { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                return false
            }
            let result = try await group.next() ?? false
            group.cancelAll()
            return result
        }
    }

    func testEnrolmentThroughOneInstanceIsSeenByTheOtherWithinOneSecond() async throws {
        let (writer, reader) = try await openPair()
        let iterator = VersionIterator(reader.changes())
        let initial = await iterator.next()
        XCTAssertEqual(initial, 0, "the stream starts with the current version")
        var latencies: [Double] = []
        for round in 0..<5 {
            let start = Date()
            _ = try await writer.enroll(personName: "P\(round)", createIfMissing: true,
                                        faces: [GalleryConformance.sampleFace(Float(round))])
            let expected = try await writer.version()
            let seen = try await waitForVersion(expected, in: iterator, seconds: 1.0)
            XCTAssertTrue(seen, "version \(expected) not announced to the other instance within 1 s")
            latencies.append(Date().timeIntervalSince(start))
            // What a server does on a change: reload its index, which now has the new person.
            let snapshot = try await reader.allEmbeddings()
            XCTAssertEqual(snapshot.version, expected)
            XCTAssertTrue(snapshot.names.contains("P\(round)"))
        }
        let worst = latencies.max() ?? 0
        print("PostgresGallery change notification: enrol -> seen by the other instance, worst of 5: \(String(format: "%.1f", worst * 1000)) ms")
        XCTAssertLessThan(worst, 1.0)
    }

    func testStreamEndsWhenTheGalleryCloses() async throws {
        let (gallery, _) = try await openPair()
        let iterator = VersionIterator(gallery.changes())
        _ = await iterator.next()
        await gallery.close()
        let ended = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                while await iterator.next() != nil {}
                return true
            }
            group.addTask {
                try await Task.sleep(nanoseconds: 5_000_000_000)
                return false
            }
            let result = try await group.next() ?? false
            group.cancelAll()
            return result
        }
        XCTAssertTrue(ended, "changes() must finish when the gallery is closed")
        do {
            _ = try await gallery.version()
            XCTFail("a closed gallery must refuse work")
        } catch {
            XCTAssertEqual(error as? PostgresGalleryError, .closed(endpoint: gallery.configuration.redactedURL))
        }
    }

    func testRefusedWritesAreNotAnnounced() async throws {
        let (writer, reader) = try await openPair()
        _ = try await writer.addPerson(name: "Solo", metadata: [:])
        let iterator = VersionIterator(reader.changes())
        let current = await iterator.next()
        XCTAssertEqual(current, 1)
        do {
            _ = try await writer.addPerson(name: "Solo", metadata: [:])
            XCTFail("duplicate accepted")
        } catch {
            XCTAssertEqual(error as? GalleryError, .duplicateName(name: "Solo"))
        }
        try await writer.setCalibration("{}", modelID: nil)
        let next = await iterator.next()
        XCTAssertEqual(next, 2, "the refused write rolled back its version bump and sent nothing")
    }
}

/// Lets test tasks take turns reading one stream (never two at once).
final class VersionIterator: @unchecked Sendable {
    private var iterator: AsyncStream<Int64>.AsyncIterator

    init(_ stream: AsyncStream<Int64>) { iterator = stream.makeAsyncIterator() }

    func next() async -> Int64? { await iterator.next() }
}
