import VisageIndex
import XCTest

/// Float16 and int8 indexes against brute force: the recall they promise.
final class CompactSearchTests: XCTestCase {
    private struct Recall { var atOne: Double; var atTen: Double }

    /// 10,000 random unit vectors of dimension 128, 100 queries and their exact top 10
    /// (computed once for the class).
    private static let fixture: (base: [Float], queries: [Float], truth: [[(id: Int64, label: Int64, distance: Double)]]) = {
        var rng = RandomVectors(seed: 2024)
        let base = rng.unitVectors(10_000, dimension: 128)
        let queries = rng.unitVectors(100, dimension: 128)
        return (base, queries, BruteForce.search(base: base, queries: queries, dimension: 128, k: 10))
    }()

    private func recall(_ precision: VectorPrecision, batch: Int) throws -> Recall {
        let (base, queries, truth) = Self.fixture
        let n = 10_000, d = 128, m = 100
        let index = try VectorIndex(dimension: d, precision: precision)
        try index.add(base, labels: (0..<n).map { Int64($0) })
        var hits: [[SearchHit]] = []
        for start in stride(from: 0, to: m, by: batch) {
            hits += try index.search(Array(queries[(start * d)..<(Swift.min(m, start + batch) * d)]), k: 10)
        }
        var one = 0, ten = 0
        for (h, t) in zip(hits, truth) {
            if h.first?.id == t.first?.id { one += 1 }
            ten += Set(h.map(\.id)).intersection(t.map(\.id)).count
            // Re-ranked distances are float32 distances to the stored vectors.
            for hit in h {
                let exact = t.first { $0.id == hit.id }?.distance
                if let exact { XCTAssertEqual(Double(hit.distance), exact, accuracy: 1e-4) }
            }
        }
        return Recall(atOne: Double(one) / Double(m), atTen: Double(ten) / Double(10 * m))
    }

    func testFloat16RecallIsComplete() throws {
        for batch in [1, 16] {
            let r = try recall(.float16, batch: batch)
            XCTAssertEqual(r.atOne, 1, "fp16 recall@1, batch \(batch)")
            XCTAssertGreaterThanOrEqual(r.atTen, 0.999, "fp16 recall@10, batch \(batch)")
        }
    }

    func testInt8RecallWithReranking() throws {
        for batch in [1, 16] {
            let r = try recall(.int8, batch: batch)
            XCTAssertGreaterThanOrEqual(r.atOne, 0.99, "int8 recall@1, batch \(batch)")
            XCTAssertGreaterThanOrEqual(r.atTen, 0.995, "int8 recall@10, batch \(batch)")
        }
    }

    func testOddDimensionsAndBothScanStrategies() throws {
        // Dimension 37 exercises the kernels' tails; batches of 1 and 3 use the kernels,
        // 12 the BLAS strategy.
        var rng = RandomVectors(seed: 37)
        let d = 37
        let base = rng.unitVectors(3000, dimension: d)
        let queries = rng.unitVectors(24, dimension: d)
        let truth = BruteForce.search(base: base, queries: queries, dimension: d, k: 3)
        for precision in [VectorPrecision.float16, .int8] {
            let index = try VectorIndex(dimension: d, precision: precision)
            try index.add(base, labels: (0..<3000).map { Int64($0) })
            for batch in [1, 3, 12] {
                var hits: [[SearchHit]] = []
                for start in stride(from: 0, to: 24, by: batch) {
                    hits += try index.search(Array(queries[(start * d)..<((start + batch) * d)]), k: 3)
                }
                let agree = zip(hits, truth).filter { $0.0[0].id == $0.1[0].id }.count
                XCTAssertGreaterThanOrEqual(agree, 23, "\(precision), batch \(batch): top-1 agrees on \(agree) of 24")
                for (h, t) in zip(hits, truth) where h[0].id == t[0].id {
                    XCTAssertEqual(Double(h[0].distance), t[0].distance, accuracy: 1e-4)
                }
            }
        }
    }

    func testInt8QuantizerIsFittedToTheFirstBatchOrGiven() throws {
        var rng = RandomVectors(seed: 5)
        let base = rng.unitVectors(200, dimension: 8)
        let fitted = try VectorIndex(dimension: 8, precision: .int8)
        XCTAssertNil(fitted.quantizer)
        try fitted.add(base, labels: [Int64](repeating: 0, count: 200))
        let q = try XCTUnwrap(fitted.quantizer)
        for j in 0..<8 {
            let column = stride(from: j, to: base.count, by: 8).map { base[$0] }
            XCTAssertLessThan(q.minimums[j], column.min()!)
            XCTAssertGreaterThan(q.maximums[j], column.max()!)
        }
        let given = try ScalarQuantizer(minimums: [Float](repeating: -1, count: 8), maximums: [Float](repeating: 1, count: 8))
        let explicit = try VectorIndex(dimension: 8, precision: .int8, quantizer: given)
        try explicit.add(base, labels: [Int64](repeating: 0, count: 200))
        XCTAssertEqual(explicit.quantizer, given)
        // Each stored vector is its own nearest neighbour, at distance 0 after re-ranking.
        for index in [fitted, explicit] {
            let hits = try index.search(Array(base[0..<(20 * 8)]), k: 1)
            XCTAssertEqual(hits.map { $0[0].id }, (0..<20).map { Int64($0) })
            XCTAssertEqual(hits.map { $0[0].distance }, [Float](repeating: 0, count: 20))
        }
    }

    func testCompactIndexesUseLessScannedMemory() throws {
        var rng = RandomVectors(seed: 8)
        let base = rng.unitVectors(4096, dimension: 128)
        var usage: [VectorPrecision: IndexMemoryUsage] = [:]
        for p in VectorPrecision.allCases {
            let index = try VectorIndex(dimension: 128, precision: p)
            try index.add(base, labels: (0..<4096).map { Int64($0) })
            usage[p] = index.memoryUsage
        }
        XCTAssertEqual(usage[.float32]?.scannedBytes, 4096 * (128 * 4 + 4))
        XCTAssertEqual(usage[.float16]?.scannedBytes, 4096 * (128 * 2 + 4))
        XCTAssertEqual(usage[.int8]?.scannedBytes, 4096 * (128 + 4))
        XCTAssertEqual(usage[.int8]?.rerankBytes, 4096 * 128 * 4)
        XCTAssertEqual(usage[.float32]?.rerankBytes, 0)
    }
}
