import VisageIndex
import XCTest

/// Adding and removing without a rebuild; stable ids; compaction.
final class MutationTests: XCTestCase {
    func testRemovedVectorsNeverComeBackAndIdsStayStable() throws {
        var rng = RandomVectors(seed: 42)
        let d = 16
        for precision in VectorPrecision.allCases {
            let base = rng.unitVectors(2500, dimension: d)
            let index = try VectorIndex(dimension: d, precision: precision)
            try index.add(Array(base[0..<(2000 * d)]), labels: (0..<2000).map { Int64($0 % 100) })
            let later = try index.add(Array(base[(2000 * d)...]), labels: (2000..<2500).map { Int64($0 % 100) })
            XCTAssertEqual(later.first, 2000)
            XCTAssertEqual(index.count, 2500)

            let query = Array(base[(1234 * d)..<(1235 * d)])
            XCTAssertEqual(try index.search(query, k: 1)[0][0].id, 1234)
            try index.remove(id: 1234)
            XCTAssertFalse(index.contains(id: 1234))
            XCTAssertThrowsError(try index.remove(id: 1234)) { XCTAssertEqual($0 as? VectorIndexError, .unknownID(1234)) }
            XCTAssertThrowsError(try index.remove(id: 9999))
            XCTAssertNotEqual(try index.search(query, k: 1)[0][0].id, 1234, "\(precision)")

            XCTAssertEqual(index.remove(label: 7), 25)
            XCTAssertEqual(index.remove(label: 7), 0)
            XCTAssertEqual(index.count, 2500 - 1 - 25)
            let remaining = try index.search(Array(base[0..<(50 * d)]), k: 30)
            for hits in remaining { XCTAssertFalse(hits.contains { $0.label == 7 || $0.id == 1234 }) }

            let before = try index.search(Array(base[0..<(20 * d)]), k: 5)
            index.compact()
            XCTAssertEqual(index.count, 2474)
            XCTAssertEqual(try index.search(Array(base[0..<(20 * d)]), k: 5), before, "\(precision): compaction changed results")
            XCTAssertEqual(try index.add(query, label: 1), 2500, "ids are never reused")
            let entry = try XCTUnwrap(index.entry(id: 2499))
            XCTAssertEqual(entry.vector, Array(base[(2499 * d)..<(2500 * d)]))
            XCTAssertEqual(entry.label, 99)
        }
    }

    func testManySmallAddsMatchOneBulkAdd() throws {
        var rng = RandomVectors(seed: 9)
        let d = 12
        let base = rng.unitVectors(700, dimension: d)
        let bulk = try VectorIndex(dimension: d)
        try bulk.add(base, labels: (0..<700).map { Int64($0) })
        let single = try VectorIndex(dimension: d)
        for r in 0..<700 { try single.add(Array(base[(r * d)..<((r + 1) * d)]), label: Int64(r)) }
        let queries = rng.unitVectors(9, dimension: d)
        XCTAssertEqual(try single.search(queries, k: 4), try bulk.search(queries, k: 4))
    }
}
