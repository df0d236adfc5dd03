import CVisageKernels
import VisageIndex
import XCTest

/// The AVX2 and AVX-512 VNNI scan kernels and the selection's threshold scan (C) against
/// scalar references on random data and edge sizes, and searches with each kernel set against
/// the portable ones.
final class ScanKernelTests: XCTestCase {
    /// Dimensions around the kernels' 64-component steps, and odd ones.
    private let dimensions = [1, 5, 37, 63, 64, 65, 128, 130, 200]
    /// Row counts around the four-row register tile and the 64-row blocks.
    private let rowCounts = [1, 3, 4, 5, 67, 130]
    private let queryCounts = [1, 2, 3, 5, 8, 64]  // 5 and 8 end on a two-query tile

    func testAVX2IsAvailableOnThisMachine() {
        // The benchmark machine and CI (x86-64) have AVX2; without it the kernel tests below
        // would only check the references.
        #if arch(x86_64)
        XCTAssertEqual(visage_cpu_has_avx2(), 1, "this CPU lacks AVX2 + FMA: the AVX2 kernels are untested here")
        #else
        XCTAssertEqual(visage_cpu_has_avx2(), 0)
        #endif
    }

    func testInt8KernelEqualsReferenceExactly() {
        var rng = RandomVectors(seed: 8)
        for d in dimensions {
            let stride = Int(visage_int8_query_stride(Int32(d)))
            XCTAssertGreaterThanOrEqual(stride, d)
            XCTAssertEqual(stride % 64, 0)
            var scratch = [UInt8](repeating: 0xAB, count: visage_int8_scratch_count(Int32(d)))
            for rows in rowCounts {
                let codes = (0..<(rows * d)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                for m in queryCounts {
                    // Extreme weights (±31) and codes (0, 255) occur: the int16 sums must not overflow.
                    var weights = [Int8](repeating: 0, count: m * stride)
                    for q in 0..<m {
                        for j in 0..<d { weights[q * stride + j] = Int8(Int(rng.next() % 63) - 31) }
                    }
                    if rows >= 1 && m >= 1 { weights[0] = 31 }
                    let ldo = rows + 3
                    var expected = [Int32](repeating: -1, count: m * ldo)
                    var got = expected
                    visage_int8_dots_reference(codes, Int32(rows), Int32(d), weights, Int32(m), Int32(stride),
                                               &expected, Int32(ldo))
                    // The reference against Swift arithmetic, for one product.
                    let r = rows - 1, q = m - 1
                    let direct = (0..<d).reduce(Int32(0)) { $0 + Int32(codes[r * d + $1]) * Int32(weights[q * stride + $1]) }
                    XCTAssertEqual(expected[q * ldo + r], direct)
                    guard visage_cpu_has_avx2() == 1 else { continue }
                    visage_int8_dots_avx2(codes, Int32(rows), Int32(d), weights, Int32(m), Int32(stride),
                                          &scratch, &got, Int32(ldo))
                    XCTAssertEqual(got, expected, "d \(d), rows \(rows), queries \(m)")
                }
            }
        }
    }

    func testVNNIKernelEqualsReferenceExactly() {
        // Without AVX-512 VNNI (e.g. AMD Zen 3) the kernel cannot run; the search tests below
        // then check the AVX2 kernel in its place.
        guard visage_cpu_has_avx512_vnni() == 1 else { return }
        var rng = RandomVectors(seed: 16)
        // Rows around the sixteen-row groups, the four-group register tile and the 128-row
        // blocks; query counts around the four-query tile (3 and 5 end on partial tiles).
        for d in dimensions {
            let stride = Int(visage_int8_query_stride(Int32(d)))
            var scratch = [UInt8](repeating: 0xAB, count: visage_int8_scratch_count(Int32(d)))
            for rows in [1, 15, 16, 17, 63, 64, 65, 129, 300] {
                let codes = (0..<(rows * d)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                for m in [1, 3, 4, 5, 7, 64] {
                    var weights = [Int8](repeating: 0, count: m * stride)
                    for q in 0..<m {
                        for j in 0..<d { weights[q * stride + j] = Int8(Int(rng.next() % 63) - 31) }
                    }
                    let ldo = rows + 5
                    var expected = [Int32](repeating: -1, count: m * ldo)
                    var got = expected
                    visage_int8_dots_reference(codes, Int32(rows), Int32(d), weights, Int32(m), Int32(stride),
                                               &expected, Int32(ldo))
                    visage_int8_dots_vnni(codes, Int32(rows), Int32(d), weights, Int32(m), Int32(stride),
                                          &scratch, &got, Int32(ldo))
                    XCTAssertEqual(got, expected, "d \(d), rows \(rows), queries \(m)")
                }
            }
        }
    }

    func testVNNIFilterMarksExactlyTheRowsBelowEachThreshold() {
        guard visage_cpu_has_avx512_vnni() == 1 else { return }
        var rng = RandomVectors(seed: 61)
        let d = 100, stride = Int(visage_int8_query_stride(Int32(d)))
        var scratch = [UInt8](repeating: 0, count: visage_int8_scratch_count(Int32(d)))
        for rows in [1, 15, 16, 17, 129, 1024] {
            let codes = (0..<(rows * d)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let norms = (0..<rows).map { _ in Float(rng.next() % 100_000) / 10 }
            for m in [1, 2, 5, 64] {
                var weights = [Int8](repeating: 0, count: m * stride)
                for q in 0..<m {
                    for j in 0..<d { weights[q * stride + j] = Int8(Int(rng.next() % 63) - 31) }
                }
                let a = (0..<m).map { -2 / Float($0 + 1) }, b = (0..<m).map { Float($0) }
                // Thresholds that pass nothing, about half the rows, and everything.
                let thresholds = (0..<m).map { q -> Float in [-1e9, 5000, .infinity][q % 3] }
                let ldm = (rows + 15) / 16 + 1, ldo = rows
                var masks = [UInt16](repeating: 0xEEEE, count: m * ldm)
                var dots = [Int32](repeating: 0, count: m * ldo)
                var expected = dots
                visage_int8_dots_reference(codes, Int32(rows), Int32(d), weights, Int32(m), Int32(stride),
                                           &expected, Int32(ldo))
                norms.withUnsafeBufferPointer { n in
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            thresholds.withUnsafeBufferPointer { t in
                                masks.withUnsafeMutableBufferPointer { mk in
                                    var filter = visage_int8_filter(norms: n.baseAddress, a: a.baseAddress, b: b.baseAddress,
                                                                    thresholds: t.baseAddress, masks: mk.baseAddress,
                                                                    ldm: ldm)
                                    visage_int8_scan_vnni(codes, Int32(rows), Int32(d), weights, Int32(m), Int32(stride),
                                                          &scratch, &dots, Int32(ldo), &filter)
                                }
                            }
                        }
                    }
                }
                XCTAssertEqual(dots, expected, "rows \(rows), queries \(m)")
                for q in 0..<m {
                    for r in 0..<rows {
                        let score = norms[r].addingProduct(a[q], Float(expected[q * ldo + r])) + b[q]
                        let marked = masks[q * ldm + r / 16] >> (r % 16) & 1 == 1
                        XCTAssertEqual(marked, score < thresholds[q], "rows \(rows), query \(q), row \(r)")
                    }
                    let groups = (rows + 15) / 16
                    if rows % 16 != 0 { XCTAssertEqual(masks[q * ldm + groups - 1] >> (rows % 16), 0, "bits past the last row") }
                    XCTAssertEqual(masks[q * ldm + groups], 0xEEEE, "written past the tile's masks")
                }
            }
        }
    }

    func testVNNIKernelExtremes() {
        guard visage_cpu_has_avx512_vnni() == 1 else { return }
        let d = 256, rows = 17, stride = Int(visage_int8_query_stride(Int32(d)))
        let codes = [UInt8](repeating: 255, count: rows * d)
        var weights = [Int8](repeating: 31, count: 3 * stride)
        for j in 0..<d { weights[stride + j] = -31 }
        for j in 0..<d { weights[2 * stride + j] = 0 }
        var scratch = [UInt8](repeating: 0, count: visage_int8_scratch_count(Int32(d)))
        var out = [Int32](repeating: 7, count: 3 * rows)
        visage_int8_dots_vnni(codes, Int32(rows), Int32(d), weights, 3, Int32(stride), &scratch, &out, Int32(rows))
        XCTAssertEqual(out, [Int32](repeating: 255 * 31 * 256, count: rows) + [Int32](repeating: -255 * 31 * 256, count: rows)
            + [Int32](repeating: 0, count: rows))
    }

    func testThresholdScanFindsTheFirstRowBelow() {
        guard visage_cpu_has_avx2() == 1 else { return }
        var rng = RandomVectors(seed: 21)
        // Counts around the sixteen-row step; thresholds that pass no row, some, or every row.
        for count in [0, 1, 7, 15, 16, 17, 31, 32, 33, 100] {
            let dots = (0..<count).map { _ in Int32(Int(rng.next() % 2001) - 1000) }
            let norms = (0..<count).map { _ in Float(rng.next() % 1000) / 500 }
            let a: Float = -0.002, b: Float = 0.25
            let scores = (0..<count).map { norms[$0].addingProduct(a, Float(dots[$0])) + b }
            for threshold in [-Float.infinity, scores.min() ?? 0, scores.sorted().dropFirst(count / 2).first ?? 0, .infinity] {
                for first in [0, count / 3] where first <= count {
                    let expected = scores[first...].firstIndex { $0 < threshold }.map { $0 - first } ?? (count - first)
                    var score: Float = .nan
                    let got = dots.withUnsafeBufferPointer { dp in
                        norms.withUnsafeBufferPointer { np in
                            Int(visage_first_below_int32_avx2(dp.baseAddress! + first, np.baseAddress! + first,
                                                              Int32(count - first), a, b, threshold, &score))
                        }
                    }
                    XCTAssertEqual(got, expected, "count \(count), from \(first), threshold \(threshold)")
                    if got < count - first { XCTAssertEqual(score, scores[first + got]) }
                    // The float version on the same values as floats.
                    let floats = dots.map { Float($0) }
                    var floatScore: Float = .nan
                    let gotFloat = floats.withUnsafeBufferPointer { dp in
                        norms.withUnsafeBufferPointer { np in
                            Int(visage_first_below_float_avx2(dp.baseAddress! + first, np.baseAddress! + first,
                                                              Int32(count - first), a, b, threshold, &floatScore))
                        }
                    }
                    XCTAssertEqual(gotFloat, expected)
                    if gotFloat < count - first { XCTAssertEqual(floatScore, scores[first + gotFloat]) }
                }
            }
        }
    }

    func testInt8KernelExtremesDoNotOverflow() {
        guard visage_cpu_has_avx2() == 1 else { return }
        let d = 256, stride = Int(visage_int8_query_stride(Int32(d)))
        let codes = [UInt8](repeating: 255, count: 5 * d)
        var weights = [Int8](repeating: 31, count: 2 * stride)
        for j in 0..<d { weights[stride + j] = -31 }
        var scratch = [UInt8](repeating: 0, count: visage_int8_scratch_count(Int32(d)))
        var out = [Int32](repeating: 0, count: 2 * 5)
        visage_int8_dots_avx2(codes, 5, Int32(d), weights, 2, Int32(stride), &scratch, &out, 5)
        XCTAssertEqual(out, [Int32](repeating: 255 * 31 * 256, count: 5) + [Int32](repeating: -255 * 31 * 256, count: 5))
    }

    func testFloatKernelEqualsDoubleReference() {
        var rng = RandomVectors(seed: 32)
        guard visage_cpu_has_avx2() == 1 else { return }
        for d in dimensions {
            for rows in rowCounts {
                let x = rng.unitVectors(rows, dimension: d)
                for m in queryCounts {
                    let q = rng.unitVectors(m, dimension: d)
                    let ldo = rows + 1
                    var out = [Float](repeating: .nan, count: m * ldo)
                    visage_float_dots_avx2(x, Int32(rows), Int32(d), q, Int32(m), &out, Int32(ldo))
                    for qi in 0..<m {
                        for r in 0..<rows {
                            let exact = (0..<d).reduce(0.0) { $0 + Double(x[r * d + $1]) * Double(q[qi * d + $1]) }
                            XCTAssertEqual(Double(out[qi * ldo + r]), exact, accuracy: 1e-5, "d \(d), rows \(rows), queries \(m)")
                        }
                    }
                }
            }
        }
    }

    func testAutomaticAVX2AndPortableSearchesAgree() throws {
        // 2,500 rows: tiles of 1,024 and a partial one; batches of 1, 3 and 64.
        for d in [37, 128] {
            var rng = RandomVectors(seed: UInt64(100 + d))
            let n = 2500
            let base = rng.unitVectors(n, dimension: d)
            let queries = rng.unitVectors(64, dimension: d)
            let truth = BruteForce.search(base: base, queries: queries, dimension: d, k: 5)
            for precision in [VectorPrecision.float32, .int8] {
                let index = try VectorIndex(dimension: d, precision: precision)
                try index.add(base, labels: (0..<n).map { Int64($0) })
                for batch in [1, 3, 64] {
                    let slice = Array(queries[0..<(batch * d)])
                    let fast = try index.search(slice, k: 5, options: SearchOptions(kernels: .automatic))
                    let avx2 = try index.search(slice, k: 5, options: SearchOptions(kernels: .avx2))
                    let portable = try index.search(slice, k: 5, options: SearchOptions(kernels: .portable))
                    XCTAssertEqual(fast.map { $0.map(\.id) }, portable.map { $0.map(\.id) }, "\(precision), d \(d), batch \(batch)")
                    // VNNI and AVX2 compute the same integers: the same hits, to the bit.
                    XCTAssertEqual(fast, avx2, "\(precision), d \(d), batch \(batch)")
                    for (h, t) in zip(fast, truth) {
                        XCTAssertEqual(h.map(\.id), t.map(\.id), "\(precision), d \(d), batch \(batch)")
                        for (a, b) in zip(h, t) { XCTAssertEqual(Double(a.distance), b.distance, accuracy: 1e-4) }
                    }
                }
            }
        }
    }

    func testInt8RecallAgainstFloat32AtBatch64() throws {
        // The bar: int8 top-1 equals float32's for at least 99.9 % of the queries.
        var rng = RandomVectors(seed: 999)
        let n = 20_000, d = 128, m = 1024
        let base = rng.unitVectors(n, dimension: d)
        let queries = rng.unitVectors(m, dimension: d)
        let exact = try VectorIndex(dimension: d)
        let compact = try VectorIndex(dimension: d, precision: .int8)
        try exact.add(base, labels: (0..<n).map { Int64($0) })
        try compact.add(base, labels: (0..<n).map { Int64($0) })
        var same = 0, sameTop5 = 0
        for start in stride(from: 0, to: m, by: 64) {
            let slice = Array(queries[(start * d)..<((start + 64) * d)])
            let a = try exact.search(slice, k: 5), b = try compact.search(slice, k: 5)
            same += zip(a, b).filter { $0.0[0].id == $0.1[0].id }.count
            sameTop5 += zip(a, b).filter { $0.0.map(\.id) == $0.1.map(\.id) }.count
        }
        XCTAssertGreaterThanOrEqual(Double(same) / Double(m), 0.999, "recall@1 \(same) of \(m)")
        XCTAssertGreaterThanOrEqual(Double(sameTop5) / Double(m), 0.995, "identical top-5 \(sameTop5) of \(m)")
    }
}
