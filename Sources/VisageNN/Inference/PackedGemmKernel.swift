import CVisageKernels

// Layout: the weights [O, K] are packed once into panels of 16 output channels
// (CVisageKernels/packed_gemm.c); each call packs the right factor B [K, N] into tiles of six
// columns, then the threads take ranges of panels (or ranges of tiles, see splitsByTiles) and
// write C = act(alpha · (W · B + bias) + [C]) straight into the row-major output.

/// A convolution's weights packed once for products with few columns: the late layers of a
/// batch of one (3 × 3 to 12 × 12 planes), where OpenBLAS would pack the weights again on every
/// call and its kernels, shaped for wide products, run at half speed. Used by the compiled plans
/// that are kept between calls (the course's encoders), in place of sgemm.
public struct PackedGemmKernel: Sendable {
    /// W packed by `visage_packed_gemm_pack_a`.
    private let packed: [Float]
    /// Per-row bias, `rows` values, or empty.
    private let bias: [Float]
    /// Rows of W (output channels) and its shared dimension K.
    public let rows: Int, depth: Int
    /// Whether a ReLU follows the sum.
    public let relu: Bool
    /// Whether the AVX-512 kernel runs (the CPU has it and the caller allowed it); it computes
    /// the same sums as the AVX2 kernel, to the bit, about 2.5–3× faster per core.
    public let usesAVX512: Bool

    /// The widest product (columns of B) that takes this kernel; wider ones run sgemm, whose
    /// kernels are as fast there and pack the weights once for many columns (measured on
    /// FaceNet-160 and NN4.small2 at batch 1, docs/engine.md).
    public static let maximumColumns = 64

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    public static var isAvailable: Bool { visage_cpu_has_avx2() == 1 }

    /// The widest product that takes this kernel when its right factor is an im2col (a
    /// convolution other than an unpadded stride-1 1 × 1): the kernel writes the im2col straight
    /// into its tiles, where sgemm needs the im2col written out and then packs it again. Pass by
    /// pass at batch 1 (docs/engine.md, session 22) FaceNet-160's 3 × 3 / 2 at 17 × 17 (289
    /// columns, K = 1728) ran 3.3 → 2.6 ms; 1 × 1 products of 289 columns ran slower on it.
    public static let maximumIm2colColumns = 320

    /// The most weights (floats) of a product on an im2col that the threads split by tiles rather
    /// than by panels (512 KB, the smallest L2 measured): each thread then packs and multiplies
    /// only its own tiles, reading all the weights, and no tile one core wrote is read by the
    /// other (packing into tiles that the other core had read cost 4× a private packing, session
    /// 21). Pass by pass at batch 1 (panels ÷ tiles, medians): FaceNet-160 1.020, 1.015 (Block17's
    /// 1 × 7 and 7 × 1), NN4.small2 1.008 (docs/engine.md, session 22).
    public static let tileSplitFloats = 128 << 10

    /// The fewest tiles per thread for which a product on the input itself (a 1 × 1 convolution)
    /// is split by tiles rather than by panels, whatever the size of its weights: each thread
    /// then writes every output channel of its own columns, so a chain of such layers (Block17's
    /// 1 × 1 products at 8 × 8, 11 tiles, and the 1 × 7 and 7 × 1 between them) keeps each
    /// column's data on one core; split by panels, the 1 × 7 read channels the other core had
    /// written. Pass by pass at batch 1 (panels ÷ tiles, medians, docs/engine.md, session 24):
    /// FaceNet-160 1.000–1.017 in four comparisons, NN4.small2 1.005 and 1.008; with two tiles per
    /// thread (NN4.small2's 36-column products too) NN4.small2 ran 0.978.
    public static let pointwiseTileSplit = 4

    /// Whether the threads split a product by tiles of columns (each packing and multiplying its
    /// own tiles with all the weights) rather than by panels of rows: with fewer panels than
    /// threads; for an im2col (`im2col`) of two tiles or more per thread whose weights (`weights`
    /// floats) fit in a core's L2 (``tileSplitFloats``); for a product on the input itself of
    /// ``pointwiseTileSplit`` tiles or more per thread.
    public static func splitsByTiles(panels: Int, tiles: Int, workers: Int, weights: Int, im2col: Bool) -> Bool {
        guard panels >= workers else { return true }
        return im2col ? tiles >= 2 * workers && weights <= tileSplitFloats : tiles >= pointwiseTileSplit * workers
    }

    /// Whether each thread packs every tile of B for itself: a product on an im2col (`im2col`)
    /// split by panels with at most one tile per thread. The im2col is then gathered twice, but
    /// no thread reads tiles that the other core wrote. Per pass at batch 1 (docs/engine.md,
    /// session 24): Block8's 1 × 3 and 3 × 1 at 3 × 3 (9 columns, 2 tiles) 0.44 → 0.32 ms,
    /// NN4.small2's 3 × 3 at 3 × 3 0.13–0.15 → 0.12 ms.
    public static func packsPrivately(panels: Int, tiles: Int, workers: Int, im2col: Bool) -> Bool {
        im2col && workers > 1 && panels >= workers && tiles <= workers
    }

    /// Whether a product with `columns` columns should take the kernel; `im2col` when its right
    /// factor is a convolution's im2col rather than the input itself; `weights`: the floats of W.
    /// A product on the input itself takes it up to ``maximumColumns`` columns, or up to
    /// ``maximumIm2colColumns`` when its weights fit in a core's L2 (``tileSplitFloats``).
    public static func pays(columns: Int, im2col: Bool = false, weights: Int = .max) -> Bool {
        if im2col { return columns <= maximumIm2colColumns }
        return columns <= maximumColumns || (columns <= maximumIm2colColumns && weights <= tileSplitFloats)
    }

    /// Packs the row-major `rows` × `depth` matrix `weight`; `nil` without AVX2/FMA, or when the
    /// sizes do not match.
    /// - Parameters:
    ///   - bias: `rows` values added to each row's sums, or `nil`.
    ///   - relu: whether the output is clamped at zero.
    ///   - allowsAVX512: `false` keeps the AVX2 kernel on a CPU with AVX-512 (to compare them).
    public init?(weight: [Float], rows: Int, depth: Int, bias: [Float]?, relu: Bool, allowsAVX512: Bool = true) {
        guard Self.isAvailable, rows > 0, depth > 0, weight.count == rows * depth,
              bias == nil || bias?.count == rows else { return nil }
        usesAVX512 = allowsAVX512 && visage_cpu_has_avx512() == 1
        self.rows = rows
        self.depth = depth
        self.relu = relu
        self.bias = bias ?? []
        let count = visage_packed_gemm_a_count(Int32(rows), Int32(depth))
        packed = weight.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                visage_packed_gemm_pack_a(src.baseAddress!, Int32(rows), Int32(depth), Int32(depth), buf.baseAddress!)
                n = count
            }
        }
    }

    /// Packs a convolution's weights ([O, I, KH, KW] as [O, I·KH·KW]), bias and activation;
    /// `nil` for activations other than identity and ReLU, or without AVX2/FMA.
    /// - Parameter allowsAVX512: as for ``init(weight:rows:depth:bias:relu:allowsAVX512:)``.
    public init?(_ conv: Conv2D, allowsAVX512: Bool = true) {
        guard conv.activation == .identity || conv.activation == .relu else { return nil }
        let rows = conv.outChannels
        self.init(weight: conv.weight.storage, rows: rows, depth: conv.weight.count / max(rows, 1),
                  bias: conv.bias?.storage, relu: conv.activation == .relu, allowsAVX512: allowsAVX512)
    }

    /// Writes `act(alpha · (W · B + bias))` into C, or adds `alpha · (W · B + bias)` to C first
    /// when `accumulate`.
    /// - Parameters:
    ///   - b: B, `depth` × `columns`, row stride `ldb`; the kernel reads it in place (only a last
    ///     tile of fewer than six columns is copied, by the threads that multiply it).
    ///   - c: C, `rows` × `columns`, row stride `ldc`.
    ///   - relu: clamp at zero after the sum (and after the accumulation); `nil` uses the
    ///     kernel's own activation. A residual block passes its activation here, so that
    ///     `relu(C + alpha · (W · B + bias))` takes no second pass over C.
    ///   - pool: where the copies of the last tile come from.
    public func run(b: UnsafePointer<Float>, ldb: Int, columns: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                    alpha: Float = 1, accumulate: Bool = false, relu: Bool? = nil, pool: BufferPool) {
        multiply(columns: columns, c: c, ldc: ldc, alpha: alpha, accumulate: accumulate, relu: relu ?? self.relu,
                 pool: pool, inPlace: (UInt(bitPattern: b), ldb)) { _, _, _ in }
    }

    /// ``run(b:ldb:columns:c:ldc:alpha:accumulate:relu:pool:)`` with B given by what it packs:
    /// `pack(t0, t1, tiles)` writes tiles `t0 ..< t1` of B as `visage_packed_gemm_pack_b` would
    /// (calls on disjoint ranges run at once, and, when each thread packs for itself, calls on the
    /// same range into different buffers); `im2col` when B is a convolution's im2col (see
    /// ``tileSplitFloats``).
    func run(columns: Int, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, accumulate: Bool, relu: Bool,
             pool: BufferPool, im2col: Bool = false, pack: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        multiply(columns: columns, c: c, ldc: ldc, alpha: alpha, accumulate: accumulate, relu: relu, pool: pool,
                 im2col: im2col, inPlace: nil, pack: pack)
    }

    /// The product of both `run`s: B read in place (`inPlace`: its address and row stride), or
    /// packed by `pack`.
    private func multiply(columns: Int, c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, accumulate: Bool,
                          relu: Bool, pool: BufferPool, im2col: Bool = false, inPlace: (b: UInt, ldb: Int)?,
                          pack: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
        guard columns > 0 else { return }
        let (m, k, n) = (Int32(rows), Int32(depth), Int32(columns))
        let tiles = Int(visage_packed_gemm_tiles(n))
        let panels = (rows + Int(VISAGE_PACKED_GEMM_ROWS) - 1) / Int(VISAGE_PACKED_GEMM_ROWS)
        let workers = min(Backend.threads, max(panels, tiles)), avx512 = usesAVX512
        // Split by panels, each thread reads only its panels of W (the point of this kernel: W
        // dominates the traffic), after all tiles of B are packed (by all threads, or by each
        // for itself: ``packsPrivately(panels:tiles:workers:im2col:)``); split by tiles, each packs
        // and multiplies its own range of tiles (``splitsByTiles(panels:tiles:workers:weights:im2col:)``).
        // Read in place, B needs no packing but of a last partial tile, which each thread that
        // multiplies it copies for itself.
        let byPanels = !Self.splitsByTiles(panels: panels, tiles: tiles, workers: workers, weights: rows * depth,
                                           im2col: im2col)
        let privately = byPanels && Self.packsPrivately(panels: panels, tiles: tiles, workers: workers, im2col: im2col)
        // Read in place and split between the threads by columns, the AVX-512 kernel takes blocks
        // of eight columns: 64 columns (Block17's 8 × 8 planes) are four per thread, where tiles
        // of six are six for one thread and five for the other.
        let wide = inPlace != nil && avx512 && !byPanels
        let blocks8 = (columns + 7) / 8
        // Read in place, the tile buffer holds each thread's copy of a last partial tile (or block)
        // of `width` columns; else the packed tiles (one set, or one per thread).
        let width = wide ? 8 : Int(VISAGE_PACKED_GEMM_COLUMNS)
        let tailColumns = columns % width
        let count = inPlace == nil ? visage_packed_gemm_b_count(k, n) : tailColumns > 0 ? depth * width : 0
        let tileBuffer = pool.allocate(privately || inPlace != nil ? workers * count : count)
        defer { pool.release(tileBuffer) }
        let (tBits, cBits) = (UInt(bitPattern: tileBuffer), UInt(bitPattern: c))
        let tilesPerWorker = (tiles + workers - 1) / workers
        if byPanels && !privately && inPlace == nil {
            Backend.parallelFor(workers, elements: depth * columns) { worker in
                let t0 = min(tiles, worker * tilesPerWorker), t1 = min(tiles, t0 + tilesPerWorker)
                guard t1 > t0 else { return }
                pack(t0, t1, UnsafeMutablePointer<Float>(bitPattern: tBits)!)
            }
        }
        let panelsPerWorker = (panels + workers - 1) / workers
        packed.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { bias in
                let wBits = UInt(bitPattern: w.baseAddress!)
                let biasBits = bias.isEmpty ? 0 : UInt(bitPattern: bias.baseAddress!)
                let relu: Int32 = relu ? 1 : 0
                Backend.parallelFor(workers) { worker in
                    // This thread's copy of the last partial tile of B read in place, when it
                    // multiplies columns up to `end`.
                    func copyTail(_ inPlace: (b: UInt, ldb: Int), end: Int) -> UnsafePointer<Float>? {
                        guard count > 0, end == columns else { return nil }
                        let buffer = UnsafeMutablePointer<Float>(bitPattern: tBits)! + worker * count
                        visage_packed_gemm_pack_tail(UnsafePointer<Float>(bitPattern: inPlace.b)! + (columns - tailColumns),
                                                     k, Int32(tailColumns), Int32(width), Int32(inPlace.ldb), buffer)
                        return UnsafePointer(buffer)
                    }
                    if wide, let inPlace {
                        let c0 = worker * blocks8 / workers * 8, c1 = min(columns, (worker + 1) * blocks8 / workers * 8)
                        guard c1 > c0 else { return }
                        let matrix = UnsafePointer<Float>(bitPattern: inPlace.b)!
                        let tail = copyTail(inPlace, end: c1)
                        visage_packed_gemm_wide_avx512(UnsafePointer<Float>(bitPattern: wBits)!, m, k, matrix,
                                                       Int32(inPlace.ldb), tail, n, 0, Int32(panels), Int32(c0),
                                                       Int32(c1), UnsafePointer<Float>(bitPattern: biasBits), alpha,
                                                       accumulate ? 1 : 0, relu,
                                                       UnsafeMutablePointer<Float>(bitPattern: cBits)!, Int32(ldc))
                        return
                    }
                    var (p0, p1, t0, t1) = (0, panels, 0, tiles)
                    var b = UnsafeMutablePointer<Float>(bitPattern: tBits)!
                    if byPanels {
                        p0 = min(panels, worker * panelsPerWorker)
                        p1 = min(panels, p0 + panelsPerWorker)
                        guard p1 > p0 else { return }
                    } else {
                        t0 = min(tiles, worker * tilesPerWorker)
                        t1 = min(tiles, t0 + tilesPerWorker)
                        guard t1 > t0 else { return }
                    }
                    var (source, ldb, tail) = (UnsafePointer(b), Int32(0), UnsafePointer<Float>?.none)
                    if let inPlace {
                        (source, ldb) = (UnsafePointer<Float>(bitPattern: inPlace.b)!, Int32(inPlace.ldb))
                        tail = copyTail(inPlace, end: min(columns, t1 * width))
                    } else if privately {
                        b += worker * count
                        pack(0, tiles, b)
                        source = UnsafePointer(b)
                    } else if !byPanels {
                        pack(t0, t1, b)
                    }
                    let kernel = avx512 ? visage_packed_gemm_avx512 : visage_packed_gemm_avx2
                    kernel(UnsafePointer<Float>(bitPattern: wBits)!, m, k, source, ldb, tail, n,
                           Int32(p0), Int32(p1), Int32(t0), Int32(t1), UnsafePointer<Float>(bitPattern: biasBits),
                           alpha, accumulate ? 1 : 0, relu, UnsafeMutablePointer<Float>(bitPattern: cBits)!, Int32(ldc))
                }
            }
        }
    }
}
