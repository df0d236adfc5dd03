import VisageIndex
import XCTest

/// Float32 search equals brute force; grouping by label; argument errors.
final class ExactSearchTests: XCTestCase {
    /// Every position holds the brute-force id, or a vector at the same distance (a near tie).
    private func assertMatches(_ hits: [[SearchHit]], _ truth: [[(id: Int64, label: Int64, distance: Double)]],
                               useLabels: Bool = false, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(hits.count, truth.count, file: file, line: line)
        for (h, t) in zip(hits, truth) {
            XCTAssertEqual(h.count, t.count, file: file, line: line)
            for (a, b) in zip(h, t) {
                let same = useLabels ? a.label == b.label : a.id == b.id
                XCTAssert(same || abs(Double(a.distance) - b.distance) < 1e-5,
                          "got \(useLabels ? a.label : a.id) at \(a.distance), expected \(useLabels ? b.label : b.id) at \(b.distance)",
                          file: file, line: line)
                XCTAssertEqual(Double(a.distance), b.distance, accuracy: 1e-4, file: file, line: line)
            }
        }
    }

    func testFloat32EqualsBruteForceForSmallAndLargeBatches() throws {
        // 9,000 rows: two BLAS tiles and nine kernel tiles; dimension 37 exercises the tails.
        for dimension in [37, 64] {
            var rng = RandomVectors(seed: UInt64(dimension))
            let base = rng.unitVectors(9000, dimension: dimension)
            let index = try VectorIndex(dimension: dimension)
            let ids = try index.add(base, labels: (0..<9000).map { Int64($0) })
            XCTAssertEqual(ids, (0..<9000).map { Int64($0) })
            for batch in [1, 5, 12] {
                let queries = rng.unitVectors(batch, dimension: dimension)
                let hits = try index.search(queries, k: 7)
                assertMatches(hits, BruteForce.search(base: base, queries: queries, dimension: dimension, k: 7))
            }
        }
    }

    func testQueryEqualToAStoredVectorFindsItAtDistanceZero() throws {
        var rng = RandomVectors(seed: 3)
        let base = rng.unitVectors(500, dimension: 16)
        let index = try VectorIndex(dimension: 16)
        try index.add(base, labels: [Int64](repeating: 9, count: 500))
        let hit = try index.search(Array(base[160..<176]), k: 1)[0][0]
        XCTAssertEqual(hit.id, 10)
        XCTAssertEqual(hit.label, 9)
        XCTAssertEqual(hit.distance, 0)
    }

    func testGroupingByLabelReturnsDistinctPersonsAtTheirClosestPhoto() throws {
        var rng = RandomVectors(seed: 11)
        let n = 3000, d = 24
        let base = rng.unitVectors(n, dimension: d)
        let labels = (0..<n).map { Int64(($0 * 7919) % 300) }  // 300 persons, 10 photos each
        let queries = rng.unitVectors(10, dimension: d)
        for precision in VectorPrecision.allCases {
            let index = try VectorIndex(dimension: d, precision: precision)
            try index.add(base, labels: labels)
            let hits = try index.search(queries, k: 5, options: SearchOptions(grouping: .labels))
            for h in hits { XCTAssertEqual(Set(h.map(\.label)).count, 5, "\(precision): labels repeat") }
            if precision == .float32 {
                assertMatches(hits, BruteForce.search(base: base, queries: queries, dimension: d, k: 5, labels: labels),
                              useLabels: true)
            }
        }
    }

    func testFewerRowsThanKAndEmptyIndex() throws {
        let index = try VectorIndex(dimension: 4)
        XCTAssertEqual(try index.search([1, 0, 0, 0], k: 3), [[]])
        try index.add([1, 0, 0, 0, 0, 1, 0, 0], labels: [1, 2])
        let hits = try index.search([1, 0, 0, 0, 0, 0, 0, 1], k: 3)
        XCTAssertEqual(hits.map { $0.map(\.id) }, [[0, 1], [0, 1]])
        XCTAssertEqual(hits[0][1].distance, Float(2).squareRoot(), accuracy: 1e-6)
    }

    func testBadArgumentsAreTypedErrors() throws {
        XCTAssertThrowsError(try VectorIndex(dimension: 0)) { XCTAssertEqual($0 as? VectorIndexError, .invalidDimension(0)) }
        let index = try VectorIndex(dimension: 3)
        XCTAssertThrowsError(try index.add([1, 2], labels: [1])) {
            XCTAssertEqual($0 as? VectorIndexError, .dimensionMismatch(expected: 3, elementCount: 2))
        }
        XCTAssertThrowsError(try index.add([1, 2, 3], labels: [1, 2])) {
            XCTAssertEqual($0 as? VectorIndexError, .labelCountMismatch(vectors: 1, labels: 2))
        }
        XCTAssertThrowsError(try index.add([1, 2, 3, 0, .nan, 0], labels: [1, 2])) {
            XCTAssertEqual($0 as? VectorIndexError, .nonFiniteVector(index: 1))
        }
        XCTAssertThrowsError(try index.add([3e38, 0, 0], labels: [1])) {
            XCTAssertEqual($0 as? VectorIndexError, .nonFiniteVector(index: 0))
        }
        XCTAssertEqual(index.count, 0, "a failed add adds nothing")
        try index.add([1, 2, 3], label: 1)
        XCTAssertThrowsError(try index.search([1, 2, 3], k: 0)) { XCTAssertEqual($0 as? VectorIndexError, .invalidK(0)) }
        XCTAssertThrowsError(try index.search([1, 2], k: 1)) {
            XCTAssertEqual($0 as? VectorIndexError, .dimensionMismatch(expected: 3, elementCount: 2))
        }
        XCTAssertThrowsError(try index.search([1, .infinity, 3], k: 1))
        XCTAssertThrowsError(try VectorIndex(dimension: 3, precision: .int8,
                                             quantizer: ScalarQuantizer(minimums: [0, 0], maximums: [1, 1])))
        XCTAssertThrowsError(try ScalarQuantizer(minimums: [0, 1], maximums: [1, 0])) {
            XCTAssertEqual($0 as? VectorIndexError, .invalidQuantizer(dimension: 1))
        }
    }
}
