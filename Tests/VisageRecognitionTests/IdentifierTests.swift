import Foundation
import VisageRecognition
import VisageStore
import XCTest

/// The in-memory identifier against the store's brute-force reference ranking.
final class IdentifierTests: XCTestCase {
    let model = GalleryModel(id: "test-encoder", preprocessingVersion: 1, dimension: 8)

    private func populatedGallery(_ dir: TemporaryDirectory, people: Int, random: inout TestRandom) throws -> Gallery {
        let gallery = try Gallery.open(path: dir.path("g.sqlite"), model: model, create: true)
        for p in 0..<people {
            let samples = 1 + p % 3
            try gallery.enroll(personName: "person \(p)", createIfMissing: true,
                               faces: (0..<samples).map { s in face(random.vector(8), seed: p * 10 + s) })
        }
        return gallery
    }

    func testRankingMatchesBruteForceForBothStrategies() async throws {
        let dir = try TemporaryDirectory()
        var random = TestRandom(state: 7)
        let gallery = try populatedGallery(dir, people: 150, random: &random)
        let queries = (0..<100).map { _ in random.vector(8) }   // more than one chunk of 64
        let reference = try gallery.allEmbeddings()
        for (strategy, storeStrategy) in [(MatchStrategy.minimumDistance, MatchStrategy.minimumDistance), (.centroid, .centroid)] {
            let identifier = Identifier(store: gallery, strategy: strategy)
            let ranked = try await identifier.nearestPeople(queries, k: 5)
            XCTAssertEqual(ranked.count, queries.count)
            for (q, got) in zip(queries, ranked) {
                let expected = Array(reference.rankPeople(query: q, strategy: storeStrategy).prefix(5))
                XCTAssertEqual(got.map(\.name), expected.map(\.name), "\(strategy)")
                for (g, e) in zip(got, expected) {
                    XCTAssertEqual(g.distance, e.distance, accuracy: 1e-5)
                    XCTAssertEqual(g.faceID, e.faceID)
                }
            }
        }
        let counts = await Identifier(store: gallery).counts
        XCTAssertEqual(counts.people, 0, "nothing is loaded before the first search")
    }

    func testReloadsWhenAnotherConnectionWrites() async throws {
        let dir = try TemporaryDirectory()
        var random = TestRandom(state: 3)
        let gallery = try populatedGallery(dir, people: 5, random: &random)
        let identifier = Identifier(store: gallery)
        let probe = random.vector(8)
        _ = try await identifier.nearestPeople([probe], k: 1)
        let before = await identifier.version
        let other = try Gallery.open(path: dir.path("g.sqlite"), model: model)
        try other.enroll(personName: "newcomer", createIfMissing: true, faces: [face(probe, seed: 999)])
        let best = try await identifier.nearestPeople([probe], k: 2)[0]
        XCTAssertEqual(best.first?.name, "newcomer")
        XCTAssertEqual(Double(best.first?.distance ?? 1), 0, accuracy: 1e-6)
        let after = await identifier.version
        XCTAssertEqual(after, before + 1)
        let counts = await identifier.counts
        XCTAssertEqual(counts.people, 6)
    }

    func testOwnWritesApplyInPlaceAndGapsForceReload() async throws {
        let dir = try TemporaryDirectory()
        var random = TestRandom(state: 11)
        let gallery = try populatedGallery(dir, people: 3, random: &random)
        let identifier = Identifier(store: gallery)
        try await identifier.reload()
        let v0 = await identifier.version
        let vector = random.vector(8)
        let ids = try gallery.enroll(personName: "in step", createIfMissing: true, faces: [face(vector, seed: 1234)])
        let person = try XCTUnwrap(try gallery.person(named: "in step"))
        await identifier.didEnroll([(ids[0], vector)], person: person, versionBefore: v0, versionAfter: try gallery.version())
        let applied = await identifier.version
        XCTAssertEqual(applied, v0 + 1)
        let counts = await identifier.counts
        XCTAssertEqual(counts.faces, 7)   // 1 + 2 + 3 + the new one
        // A gap (someone else wrote too) marks the matrix stale; the next search reloads.
        try gallery.addPerson(name: "someone else")
        await identifier.didEnroll([], person: person, versionBefore: applied, versionAfter: applied + 2)
        let stale = await identifier.version
        XCTAssertEqual(stale, -1)
        let match = try await identifier.nearestPeople([vector], k: 1)[0][0]
        XCTAssertEqual(match.name, "in step")
        let reloaded = await identifier.version
        XCTAssertEqual(reloaded, try gallery.version())
    }

    func testVerifyDistanceAndErrors() async throws {
        let dir = try TemporaryDirectory()
        var random = TestRandom(state: 5)
        let gallery = try populatedGallery(dir, people: 4, random: &random)
        try gallery.addPerson(name: "no photos")
        let identifier = Identifier(store: gallery)
        let samples = try gallery.allEmbeddings()
        let query = Array(samples.row(2))
        let match = try await identifier.distance(query, to: samples.names[2])
        XCTAssertEqual(Double(match?.distance ?? 1), 0, accuracy: 1e-6)
        XCTAssertEqual(match?.faceID, samples.ids[2])
        let none = try await identifier.distance(query, to: "no photos")
        XCTAssertNil(none)
        await assertThrows(RecognitionError.unknownPerson(name: "nobody")) { try await identifier.distance(query, to: "nobody") }
        await assertThrows(RecognitionError.invalidArgument("query has 3 values, the gallery's model has 8")) {
            try await identifier.nearestPeople([[1, 2, 3]], k: 1)
        }
        await assertThrows(RecognitionError.invalidArgument("top-K 0 must be 1…10000")) { try await identifier.nearestPeople([query], k: 0) }
    }

    func testEmptyGalleryGivesNoCandidates() async throws {
        let dir = try TemporaryDirectory()
        let gallery = try Gallery.open(path: dir.path("empty.sqlite"), model: model, create: true)
        let ranked = try await Identifier(store: gallery).nearestPeople([[Float](repeating: 0, count: 8)], k: 3)
        XCTAssertEqual(ranked.count, 1)
        XCTAssertTrue(ranked[0].isEmpty)
    }
}
