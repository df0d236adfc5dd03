import XCTest
import VisageNN

/// ``PackedGemmKernel`` (CVisageKernels/packed_gemm.c) against a double-precision product: row
/// counts around the 16-row panels and column counts around the 6-column tiles, strided B and C,
/// bias, scale, accumulation and ReLU, one panel (the threads split the tiles) and many (they
/// split the panels, or the tiles for a product of 43 columns or more on two threads), up to
/// K = 1,100; B read in place, its last tile copied when partial (289 columns: 48 whole tiles and
/// one of one column), in blocks of eight columns by the AVX-512 kernel when the threads split
/// the columns (289: 36 blocks and one of one column).
final class PackedGemmKernelTests: XCTestCase {
    private var state: UInt64 = 11

    private func random() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int((state >> 40) % 2001) - 1000) / 1000
    }

    /// `clamps` is the per-call ReLU (``PackedGemmKernel/run(b:ldb:columns:c:ldc:alpha:accumulate:relu:pool:)``),
    /// `nil` for the kernel's own.
    private func check(rows m: Int, depth k: Int, columns n: Int, bias withBias: Bool, relu: Bool, alpha: Float,
                       accumulate: Bool, clamps: Bool? = nil, file: StaticString = #filePath,
                       line: UInt = #line) throws {
        let weight = (0..<(m * k)).map { _ in random() }
        let bias = withBias ? (0..<m).map { _ in random() } : nil
        let (ldb, ldc) = (n + 3, n + 5)
        let b = (0..<(k * ldb)).map { _ in random() }
        let before = (0..<(m * ldc)).map { _ in random() }
        let kernel = try XCTUnwrap(PackedGemmKernel(weight: weight, rows: m, depth: k, bias: bias, relu: relu),
                                   "the kernel needs AVX2 and FMA", file: file, line: line)
        var c = before
        b.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
                kernel.run(b: bp.baseAddress!, ldb: ldb, columns: n, c: cp.baseAddress!, ldc: ldc, alpha: alpha,
                           accumulate: accumulate, relu: clamps, pool: BufferPool())
            }
        }
        var worst: Double = 0
        for i in 0..<m {
            for j in 0..<ldc {
                let index = i * ldc + j
                guard j < n else {
                    XCTAssertEqual(c[index], before[index], "C's padding at (\(i), \(j)) was written",
                                   file: file, line: line)
                    continue
                }
                var sum = 0.0
                for kk in 0..<k { sum += Double(weight[i * k + kk]) * Double(b[kk * ldb + j]) }
                var expected = Double(alpha) * (sum + Double(bias?[i] ?? 0))
                if accumulate { expected += Double(before[index]) }
                if clamps ?? relu { expected = max(expected, 0) }
                worst = max(worst, abs(Double(c[index]) - expected))
            }
        }
        XCTAssertLessThan(worst, 1e-5 * Double(max(k, 1)), "m \(m) k \(k) n \(n)", file: file, line: line)
    }

    func testProductsOfEveryEdge() throws {
        for (m, k, n) in [(1, 1, 1), (16, 7, 6), (17, 33, 5), (15, 64, 13), (40, 9, 64), (96, 130, 9), (33, 2, 61),
                          (40, 1100, 61), (32, 96, 289)] {
            try check(rows: m, depth: k, columns: n, bias: false, relu: false, alpha: 1, accumulate: false)
            try check(rows: m, depth: k, columns: n, bias: true, relu: true, alpha: 1, accumulate: false)
            try check(rows: m, depth: k, columns: n, bias: true, relu: true, alpha: 0.17, accumulate: true)
            try check(rows: m, depth: k, columns: n, bias: false, relu: false, alpha: -2, accumulate: true)
        }
    }

    /// A residual block's ReLU passed per call: `relu(C + alpha · (W · B + bias))` from a kernel
    /// without an activation, and a kernel with one run without it.
    func testReLUChosenPerCall() throws {
        for (m, k, n) in [(17, 33, 5), (40, 130, 64)] {
            try check(rows: m, depth: k, columns: n, bias: true, relu: false, alpha: 0.17, accumulate: true, clamps: true)
            try check(rows: m, depth: k, columns: n, bias: true, relu: true, alpha: 1, accumulate: false, clamps: false)
        }
    }

    func testAVX512AndAVX2KernelsAgreeToTheBit() throws {
        // Without AVX-512 (e.g. AMD Zen 3) both runs take the AVX2 kernel.
        for (m, k, n) in [(1, 1, 1), (17, 33, 5), (33, 64, 13), (48, 300, 25), (96, 130, 64)] {
            let weight = (0..<(m * k)).map { _ in random() }, bias = (0..<m).map { _ in random() }
            let b = (0..<(k * n)).map { _ in random() }, before = (0..<(m * n)).map { _ in random() }
            var outputs: [[Float]] = []
            for allows in [true, false] {
                let kernel = try XCTUnwrap(PackedGemmKernel(weight: weight, rows: m, depth: k, bias: bias, relu: true,
                                                            allowsAVX512: allows))
                XCTAssertFalse(!allows && kernel.usesAVX512)
                var c = before
                b.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        kernel.run(b: bp.baseAddress!, ldb: n, columns: n, c: cp.baseAddress!, ldc: n, alpha: 0.5,
                                   accumulate: true, pool: BufferPool())
                    }
                }
                outputs.append(c)
            }
            XCTAssertEqual(outputs[0], outputs[1], "m \(m) k \(k) n \(n)")
        }
    }

    /// Which products the threads split by tiles (see ``PackedGemmKernel/splitsByTiles(panels:tiles:workers:weights:im2col:)``).
    func testSplitByTilesOrPanels() {
        typealias K = PackedGemmKernel
        // FaceNet-160's Block17 1 × 1 products at batch 1: 8 × 8 = 64 columns, 11 tiles, 917 KB
        // of weights: by tiles on two threads, by panels on four.
        XCTAssertTrue(K.splitsByTiles(panels: 16, tiles: 11, workers: 2, weights: 256 * 896, im2col: false))
        XCTAssertFalse(K.splitsByTiles(panels: 16, tiles: 11, workers: 4, weights: 256 * 896, im2col: false))
        // NN4.small2's 6 × 6 products (6 tiles) and Block8's 3 × 3 ones (2 tiles): by panels.
        XCTAssertFalse(K.splitsByTiles(panels: 6, tiles: 6, workers: 2, weights: 96 * 736, im2col: false))
        XCTAssertFalse(K.splitsByTiles(panels: 24, tiles: 2, workers: 2, weights: 384 * 1792, im2col: false))
        // Block17's 1 × 7 (weights 458 KB, fit in L2): by tiles; FaceNet-160's 3 × 3 / 2 at
        // 17 × 17 (49 tiles, 1.8 MB of weights): by panels.
        XCTAssertTrue(K.splitsByTiles(panels: 8, tiles: 11, workers: 2, weights: 128 * 896, im2col: true))
        XCTAssertFalse(K.splitsByTiles(panels: 16, tiles: 49, workers: 2, weights: 256 * 1728, im2col: true))
        // Fewer panels than threads: always by tiles.
        XCTAssertTrue(K.splitsByTiles(panels: 1, tiles: 3, workers: 2, weights: 16, im2col: false))
        // Block8's 1 × 3 at 3 × 3 (2 tiles): each thread gathers the whole im2col itself; not
        // its 1 × 1 products, nor with more tiles than threads, nor on one thread.
        XCTAssertTrue(K.packsPrivately(panels: 12, tiles: 2, workers: 2, im2col: true))
        XCTAssertFalse(K.packsPrivately(panels: 12, tiles: 2, workers: 2, im2col: false))
        XCTAssertFalse(K.packsPrivately(panels: 12, tiles: 3, workers: 2, im2col: true))
        XCTAssertFalse(K.packsPrivately(panels: 12, tiles: 1, workers: 1, im2col: true))
    }

    func testRejectsMismatchedWeights() {
        XCTAssertNil(PackedGemmKernel(weight: [1, 2, 3], rows: 2, depth: 2, bias: nil, relu: false))
        XCTAssertNil(PackedGemmKernel(weight: [], rows: 0, depth: 2, bias: nil, relu: false))
        XCTAssertNil(PackedGemmKernel(weight: [1, 2, 3, 4], rows: 2, depth: 2, bias: [1], relu: false))
        XCTAssertNotNil(PackedGemmKernel(weight: [1, 2, 3, 4], rows: 2, depth: 2, bias: [1, 2], relu: false))
    }

    func testColumnLimit() {
        XCTAssertTrue(PackedGemmKernel.pays(columns: PackedGemmKernel.maximumColumns))
        XCTAssertFalse(PackedGemmKernel.pays(columns: PackedGemmKernel.maximumColumns + 1))
        // An im2col (FaceNet-160's 3 × 3 / 2 at 17 × 17: 289 columns) takes it up to its own limit.
        XCTAssertGreaterThan(PackedGemmKernel.maximumIm2colColumns, PackedGemmKernel.maximumColumns)
        XCTAssertTrue(PackedGemmKernel.pays(columns: 289, im2col: true))
        XCTAssertFalse(PackedGemmKernel.pays(columns: 289))
        XCTAssertFalse(PackedGemmKernel.pays(columns: PackedGemmKernel.maximumIm2colColumns + 1, im2col: true))
        // A 1 × 1 product takes it up to the im2col limit when its weights fit in L2: FaceNet-160's
        // Block35 at batch 1 (289 columns, 96 × 256 weights), not its Block8 at batch 32 (288
        // columns, 1792 × 384 weights).
        XCTAssertTrue(PackedGemmKernel.pays(columns: 289, weights: 96 * 256))
        XCTAssertFalse(PackedGemmKernel.pays(columns: 288, weights: 1792 * 384))
        XCTAssertFalse(PackedGemmKernel.pays(columns: PackedGemmKernel.maximumIm2colColumns + 1, weights: 96 * 256))
        XCTAssertTrue(PackedGemmKernel.pays(columns: PackedGemmKernel.maximumColumns, weights: 1792 * 384))
    }
}
