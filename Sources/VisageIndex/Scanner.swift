import CVisageKernels
import VisageNN

/// One exhaustive pass over every row for a batch of queries, keeping each query's best
/// candidates.
///
/// Two strategies:
/// - Tiles (``kernelTileRows`` rows) spread over the back end's threads, each thread with its
///   own candidate lists (merged at the end) and its products kept in cache for the selection;
///   batches of ``queriesPerWorker`` queries per thread or more split the queries instead
///   (``splitsQueries``), each thread scanning every tile for its share.
///   With AVX2 (``avx2``) the C kernels of `CVisageKernels` compute the products of a block of
///   queries with the tile: int8 codes against 6-bit query weights (`vpmaddubsw`, or
///   `vpdpbusd` with AVX-512 VNNI (``vnni``); the codes read once per batch), float32 rows with
///   FMAs. Without AVX2 the portable ``DotKernels`` run here
///   for batches below ``gemmMinimumBatch``.
/// - Portable batches of ``gemmMinimumBatch`` queries or more, and float16: one BLAS product
///   per tile of rows (`queries × tileᵀ`; float16 tiles are decoded first, int8 tiles converted
///   to floats and multiplied with the query weights `q_j · scale_j`), the back end's threads
///   inside the product, then the selection spread over the queries.
struct Scanner {
    /// Batches of at least this many queries use the BLAS product.
    static let gemmMinimumBatch = 8
    /// Rows per BLAS product.
    static let gemmTileRows = 8192
    /// Queries per BLAS pass over the rows (bounds the scratch matrix).
    static let gemmQueryBlock = 256
    /// Rows per kernel tile (the tile's codes and the dot products stay in cache).
    static let kernelTileRows = 1024
    /// Queries per kernel call.
    static let kernelQueryBlock = 64
    /// Batches with at least this many queries per thread are split by queries, not by rows
    /// (see ``splitsQueries``).
    static let queriesPerWorker = 8
    /// The largest float32 index (bytes of rows) whose large batches split by queries.
    static let querySplitMaximumBytes = 16 << 20
    /// Float16 rows decoded at a time by the kernel strategy.
    static let decodeSliceRows = 128

    let segments: [SegmentView]
    let removed: Tombstones
    let precision: VectorPrecision
    let queries: PreparedQueries

    /// Whether the AVX2 kernels may run (the CPU has them and the options allow them).
    let avx2: Bool
    /// Whether int8 tiles are scanned with the AVX-512 VNNI kernel (implies `avx2`).
    let vnni: Bool

    /// Each query's best `capacity` candidates (distinct labels when `distinctLabels`).
    func run(capacity: Int, distinctLabels: Bool) -> [CandidateList] {
        let fresh = CandidateList(capacity: capacity, distinctLabels: distinctLabels)
        // The AVX2 kernels beat BLAS at every batch size: int8 on the one-byte codes (a quarter
        // of the memory traffic, 32 products per instruction), float32 because each thread's
        // products stay in cache for the selection and no thread hand-off happens per tile.
        if queries.count >= Self.gemmMinimumBatch && !avx2Kernel {
            var lists = [CandidateList](repeating: fresh, count: queries.count)
            for start in stride(from: 0, to: queries.count, by: Self.gemmQueryBlock) {
                let n = Swift.min(Self.gemmQueryBlock, queries.count - start)
                lists.withUnsafeMutableBufferPointer { gemmPass(queryStart: start, queryCount: n, lists: $0.baseAddress! + start) }
            }
            return lists
        }
        return tiledPass(fresh: fresh)
    }

    /// Whether large batches split the queries between the threads rather than the rows:
    /// for int8 (its candidate lists are `rerankFactor` times longer, so the insertions saved
    /// weigh more, and it reads a quarter of the bytes) and for float32 indexes small enough to
    /// stay in the shared cache. Measured at batch 64 on 2 threads: int8 +3–23 % at 10k to 1M
    /// rows; float32 +5–10 % at 10k rows (5 MB), −7 to −18 % at 100k (51 MB, read from memory
    /// once per thread).
    private var splitsQueries: Bool {
        if precision == .int8 { return true }
        let rows = segments.reduce(0) { $0 + $1.count }
        return rows * queries.dimension * MemoryLayout<Float>.stride <= Self.querySplitMaximumBytes
    }

    /// Whether the tiles are scanned with an AVX2 kernel.
    private var avx2Kernel: Bool {
        avx2 && (precision == .int8 || (precision == .float32 && queries.count >= 2))
    }

    // MARK: - BLAS strategy

    private func gemmPass(queryStart: Int, queryCount nq: Int, lists: UnsafeMutablePointer<CandidateList>) {
        let d = queries.dimension, tile = Self.gemmTileRows
        let dots = UnsafeMutablePointer<Float>.allocate(capacity: nq * tile)
        defer { dots.deallocate() }
        let decoded = precision.isCompact ? UnsafeMutablePointer<Float>.allocate(capacity: tile * d) : nil
        defer { decoded?.deallocate() }
        // Int8: the product is with the query's weights q_j · scale_j and the raw codes.
        let left = precision == .int8 ? queries.floatWeights : queries.vectors
        left.withUnsafeBufferPointer { qv in
            let q = qv.baseAddress! + queryStart * d
            for s in segments {
                for start in stride(from: 0, to: s.count, by: tile) {
                    let rows = Swift.min(tile, s.count - start)
                    var matrix = s.vectors + start * d
                    if let decoded {
                        let chunk = 512
                        Backend.parallelFor((rows + chunk - 1) / chunk) { c in
                            let r0 = c * chunk, n = Swift.min(chunk, rows - r0)
                            let offset = (start + r0) * d
                            if let halves = s.halves {
                                HalfConversion.decode(halves + offset, into: decoded + r0 * d, count: n * d)
                            } else if let codes = s.codes {
                                for i in 0..<(n * d) { decoded[r0 * d + i] = Float(codes[offset + i]) }
                            }
                        }
                        matrix = UnsafePointer(decoded)
                    }
                    Gemm.sgemm(transB: true, m: nq, n: rows, k: d, a: q, lda: d, b: matrix, ldb: d,
                               c: dots, ldc: rows)
                    Backend.parallelFor(nq) { qi in
                        Selection.select(dots + qi * rows, a: -2, b: queries.b[queryStart + qi], segment: s,
                                         start: start, count: rows, removed: removed, avx2: avx2, into: &lists[qi])
                    }
                }
            }
        }
    }

    // MARK: - Kernel strategy

    private func tiledPass(fresh: CandidateList) -> [CandidateList] {
        var tiles: [(segment: Int, start: Int)] = []
        for (i, s) in segments.enumerated() {
            for start in stride(from: 0, to: s.count, by: Self.kernelTileRows) { tiles.append((i, start)) }
        }
        // Large batches: each thread scans every row for its share of the queries. Every query
        // then has one candidate list over all rows (fewer insertions than one list per thread
        // over part of the rows, and no merge), but every thread reads every row. Otherwise
        // each thread scans every `workers`-th tile for all the queries.
        let queryWorkers = splitsQueries ? Swift.min(Backend.threads, queries.count / Self.queriesPerWorker) : 0
        let byQueries = queryWorkers > 1
        let workers = byQueries ? queryWorkers : Swift.max(1, Swift.min(Backend.threads, tiles.count))
        var perWorker = [[CandidateList]](repeating: [], count: workers)
        perWorker.withUnsafeMutableBufferPointer { slots in
            Backend.parallelFor(workers) { w in
                let range = byQueries ? (w * queries.count / workers)..<((w + 1) * queries.count / workers) : 0..<queries.count
                var lists = [CandidateList](repeating: fresh, count: range.count)
                var scratch = TileScratch(precision: precision, dimension: queries.dimension,
                                          queries: Swift.min(range.count, Self.kernelQueryBlock))
                for t in stride(from: byQueries ? 0 : w, to: tiles.count, by: byQueries ? 1 : workers) {
                    let s = segments[tiles[t].segment]
                    let start = tiles[t].start
                    scanTile(s, start: start, rows: Swift.min(Self.kernelTileRows, s.count - start),
                             queries: range, scratch: &scratch, lists: &lists)
                }
                slots[w] = lists
            }
        }
        if byQueries { return perWorker.flatMap { $0 } }
        var lists = perWorker[0]
        for w in 1..<workers {
            for qi in 0..<lists.count { lists[qi].merge(perWorker[w][qi]) }
        }
        return lists.isEmpty ? [CandidateList](repeating: fresh, count: queries.count) : lists
    }

    /// The VNNI kernel over one tile for the queries `block` (whose lists start at
    /// `lists[block.lowerBound - first]`), with the selection's prefilter: each query's current
    /// threshold goes to the kernel, which marks the rows below it; only those are looked at.
    /// A query whose list is not yet full (infinite threshold: every row would be marked) is
    /// scanned with the threshold scan instead, which tightens the threshold as it goes.
    private func scanTileVNNI(_ s: SegmentView, codes: UnsafePointer<UInt8>, start: Int, rows: Int,
                              queries block: Range<Int>, first: Int, scratch: inout TileScratch,
                              lists: inout [CandidateList]) {
        let d = queries.dimension, ldo = Self.kernelTileRows, ldm = Self.kernelTileRows / 16
        let q0 = block.lowerBound, nq = block.count, stride = queries.byteWeightStride
        for qi in 0..<nq { scratch.thresholds[qi] = lists[q0 + qi - first].threshold }
        queries.byteWeights.withUnsafeBufferPointer { w in
            queries.a.withUnsafeBufferPointer { a in
                queries.b.withUnsafeBufferPointer { b in
                    var filter = visage_int8_filter(norms: s.norms + start, a: a.baseAddress! + q0, b: b.baseAddress! + q0,
                                                    thresholds: scratch.thresholds, masks: scratch.masks, ldm: ldm)
                    visage_int8_scan_vnni(codes + start * d, Int32(rows), Int32(d), w.baseAddress! + q0 * stride,
                                          Int32(nq), Int32(stride), scratch.bytes, scratch.ints, Int32(ldo), &filter)
                }
            }
        }
        for qi in 0..<nq {
            let dots = UnsafePointer(scratch.ints + qi * ldo)
            if scratch.thresholds[qi] == .infinity {
                Selection.select(dots, a: queries.a[q0 + qi], b: queries.b[q0 + qi], segment: s, start: start,
                                 count: rows, removed: removed, avx2: true, into: &lists[q0 + qi - first])
            } else {
                Selection.selectMarked(dots, masks: scratch.masks + qi * ldm, a: queries.a[q0 + qi],
                                       b: queries.b[q0 + qi], segment: s, start: start, count: rows,
                                       removed: removed, into: &lists[q0 + qi - first])
            }
        }
    }

    /// Scans one tile for the queries `range`, whose lists are `lists[0 ..< range.count]`.
    private func scanTile(_ s: SegmentView, start: Int, rows: Int, queries range: Range<Int>, scratch: inout TileScratch,
                          lists: inout [CandidateList]) {
        let d = queries.dimension, ldo = Self.kernelTileRows, first = range.lowerBound
        if precision == .int8, let codes = s.codes {
            for q0 in stride(from: first, to: range.upperBound, by: Self.kernelQueryBlock) {
                let nq = Swift.min(Self.kernelQueryBlock, range.upperBound - q0)
                if vnni {
                    scanTileVNNI(s, codes: codes, start: start, rows: rows, queries: q0..<(q0 + nq), first: first,
                                 scratch: &scratch, lists: &lists)
                    continue
                }
                if avx2 {
                    let stride = queries.byteWeightStride
                    queries.byteWeights.withUnsafeBufferPointer { w in
                        visage_int8_dots_avx2(codes + start * d, Int32(rows), Int32(d), w.baseAddress! + q0 * stride,
                                              Int32(nq), Int32(stride), scratch.bytes, scratch.ints, Int32(ldo))
                    }
                } else {
                    queries.weights.withUnsafeBufferPointer { w in
                        DotKernels.int8(codes: codes + start * d, count: rows, queries: w.baseAddress! + q0 * d,
                                        queryCount: nq, dimension: d, out: scratch.ints, ldo: ldo)
                    }
                }
                for qi in 0..<nq {
                    Selection.select(UnsafePointer(scratch.ints + qi * ldo), a: queries.a[q0 + qi],
                                     b: queries.b[q0 + qi], segment: s, start: start, count: rows,
                                     removed: removed, avx2: avx2, into: &lists[q0 + qi - first])
                }
            }
            return
        }
        queries.vectors.withUnsafeBufferPointer { qv in
            for q0 in stride(from: first, to: range.upperBound, by: Self.kernelQueryBlock) {
                let nq = Swift.min(Self.kernelQueryBlock, range.upperBound - q0)
                if avx2Kernel {
                    visage_float_dots_avx2(s.vectors + start * d, Int32(rows), Int32(d), qv.baseAddress! + q0 * d,
                                           Int32(nq), scratch.floats, Int32(ldo))
                } else {
                    // Float16 rows are decoded a slice at a time, so that the slice stays in cache.
                    let slice = s.halves == nil ? rows : Self.decodeSliceRows
                    for r0 in stride(from: 0, to: rows, by: slice) {
                        let n = Swift.min(slice, rows - r0)
                        var matrix = s.vectors + (start + r0) * d
                        if let decoded = scratch.decoded, let halves = s.halves {
                            HalfConversion.decode(halves + (start + r0) * d, into: decoded, count: n * d)
                            matrix = UnsafePointer(decoded)
                        }
                        DotKernels.float32(rows: matrix, count: n, queries: qv.baseAddress! + q0 * d, queryCount: nq,
                                           dimension: d, out: scratch.floats + r0, ldo: ldo)
                    }
                }
                for qi in 0..<nq {
                    Selection.select(UnsafePointer(scratch.floats + qi * ldo), a: -2, b: 0, segment: s,
                                     start: start, count: rows, removed: removed, avx2: avx2, into: &lists[q0 + qi - first])
                }
            }
        }
    }
}

/// One worker's scratch buffers for the kernel strategy: the products of a tile (as floats
/// or as Int32, sharing one allocation), the int8 kernel's scratch, decoded float16 rows, and
/// the VNNI prefilter's thresholds and masks.
private struct TileScratch {
    let floats: UnsafeMutablePointer<Float>
    let ints: UnsafeMutablePointer<Int32>
    let bytes: UnsafeMutablePointer<UInt8>
    let decoded: UnsafeMutablePointer<Float>?
    let thresholds: UnsafeMutablePointer<Float>
    let masks: UnsafeMutablePointer<UInt16>
    private let owner: Owner

    init(precision: VectorPrecision, dimension: Int, queries: Int) {
        owner = Owner(products: queries * Scanner.kernelTileRows,
                      bytes: precision == .int8 ? visage_int8_scratch_count(Int32(dimension)) : 1,
                      decoded: precision == .float16 ? Scanner.decodeSliceRows * dimension : 0)
        floats = owner.products.bindMemory(to: Float.self, capacity: queries * Scanner.kernelTileRows)
        ints = UnsafeMutablePointer(OpaquePointer(floats))
        bytes = owner.bytes
        decoded = owner.decoded
        thresholds = owner.thresholds
        masks = owner.masks
    }

    /// Frees the buffers with the last copy of the scratch.
    private final class Owner {
        let products: UnsafeMutableRawPointer
        let bytes: UnsafeMutablePointer<UInt8>
        let decoded: UnsafeMutablePointer<Float>?
        let thresholds: UnsafeMutablePointer<Float>
        let masks: UnsafeMutablePointer<UInt16>

        init(products count: Int, bytes byteCount: Int, decoded: Int) {
            products = .allocate(byteCount: count * 4, alignment: 64)
            bytes = .allocate(capacity: byteCount)
            self.decoded = decoded > 0 ? .allocate(capacity: decoded) : nil
            let queries = count / Scanner.kernelTileRows
            thresholds = .allocate(capacity: queries)
            masks = .allocate(capacity: queries * Scanner.kernelTileRows / 16)
        }

        deinit {
            products.deallocate()
            bytes.deallocate()
            decoded?.deallocate()
            thresholds.deallocate()
            masks.deallocate()
        }
    }
}
