import CVisageKernels

// Layout: CNHW in and out. The whole batch is copied once into zero-padded planes; its 2 × 2 (or
// 4 × 4) output tiles, numbered across all samples, are split between the back end's threads, and
// each thread runs the C kernel (CVisageKernels/winograd_batch.c, winograd_batch4.c) on its range:
// input transform of a block of tiles, 16 (36) products per block of four output channels, output
// transform with bias and ReLU, written straight into the output planes.

/// A stride-1 3 × 3 convolution of a whole channel-major batch by Winograd's F(2×2, 3×3) on
/// AVX2/FMA (its products in AVX-512 where the CPU has it): 4 instead of 9 multiplies per output
/// and no im2col; or by F(4×4, 3×3) (`outputTile` 4, AVX2): 2.25 multiplies per output, for
/// planes large enough that their 4 × 4 tiles fill the vectors (``prefersLargeTiles(n:ho:wo:)``).
/// Used by the compiled plans for wide layers (dlib's ResNet, the course's encoders) in place of
/// im2col and sgemm.
public struct WinogradBatchKernel: Sendable {
    /// U = G g Gᵀ packed by `visage_winograd_pack_weights` ([O/4][16][C][4]) or, for 4 × 4 tiles,
    /// `visage_winograd4_pack_weights` ([O/4][36][C][4]).
    private let packed: [Float]
    /// Per-channel bias, `O` values.
    private let bias: [Float]
    /// Output and input channels.
    public let outChannels: Int, inChannels: Int
    /// Whether a ReLU follows the bias.
    public let relu: Bool
    /// The side of the output tiles: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3).
    public let outputTile: Int
    /// Whether the products run eight output channels at a time in AVX-512 (the CPU has it and the
    /// caller allowed it); the results equal the AVX2 kernel's to the bit.
    public let usesAVX512: Bool

    /// Fewer input channels leave the transforms too little to save.
    public static let minimumChannels = 16
    /// Below this many output tiles the kernel would read all 16 transformed filter sets for a
    /// handful of outputs (dlib's ResNet at batch 1 from its 8 × 8 planes on): callers take im2col
    /// and sgemm instead.
    public static let minimumTiles = 32

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    public static var isAvailable: Bool { visage_cpu_has_avx2() == 1 }

    /// Packs a stride-1 3 × 3 convolution with at least ``minimumChannels`` inputs, a multiple of
    /// four outputs and no activation or a ReLU; `nil` otherwise or without AVX2/FMA.
    /// - Parameter allowsAVX512: `false` keeps the AVX2 products on a CPU with AVX-512 (to compare).
    /// - Parameter outputTile: 2 for F(2×2, 3×3), 4 for F(4×4, 3×3) (AVX2 products only); `nil`
    ///   for any other value.
    public init?(_ conv: Conv2D, allowsAVX512: Bool = true, outputTile: Int = 2) {
        guard Self.isAvailable, conv.kernel == (3, 3), conv.stride == (1, 1), outputTile == 2 || outputTile == 4,
              conv.inChannels >= Self.minimumChannels, conv.outChannels % 4 == 0,
              conv.activation == .identity || conv.activation == .relu else { return nil }
        outChannels = conv.outChannels
        inChannels = conv.inChannels
        relu = conv.activation == .relu
        self.outputTile = outputTile
        usesAVX512 = outputTile == 2 && allowsAVX512 && visage_cpu_has_avx512() == 1
        bias = conv.bias?.storage ?? [Float](repeating: 0, count: conv.outChannels)
        let (o, c) = (Int32(outChannels), Int32(inChannels))
        let count = outputTile == 4 ? visage_winograd4_packed_count(o, c) : visage_winograd_packed_count(o, c, 3)
        packed = conv.weight.storage.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                if outputTile == 4 {
                    visage_winograd4_pack_weights(src.baseAddress!, o, c, buf.baseAddress!)
                } else {
                    visage_winograd_pack_weights(src.baseAddress!, o, c, 3, buf.baseAddress!)
                }
                n = count
            }
        }
    }

    /// Whether an output of `n` samples of `ho` × `wo` has the `minimumTiles` 2 × 2 tiles that
    /// make the kernel pay (callers take im2col and sgemm otherwise).
    /// - Parameter minimumTiles: the caller's threshold (by default ``minimumTiles``).
    public static func pays(n: Int, ho: Int, wo: Int, minimumTiles: Int = minimumTiles) -> Bool {
        n * ((ho + 1) / 2) * ((wo + 1) / 2) >= minimumTiles
    }

    /// Whether F(4×4, 3×3) pays over F(2×2, 3×3) for an output of `n` samples of `ho` × `wo` on
    /// `workers` threads: its 36 products per 4 × 4 tile, over vectors of eight tiles, are at most
    /// 0.8 of F(2×2, 3×3)'s 16 per 2 × 2 tile (36 × 36 planes: 0.60; 17 × 17 at batch 1, 25 tiles in
    /// four vectors: 0.82), and the tiles are enough for each worker to take groups of its own
    /// (fewer, and every worker would transform all of the input for its share of the channels).
    public static func prefersLargeTiles(n: Int, ho: Int, wo: Int, workers: Int = Backend.threads) -> Bool {
        func groups(_ tile: Int) -> Int { (n * ((ho + tile - 1) / tile) * ((wo + tile - 1) / tile) + 7) / 8 }
        return groups(4) >= 4 * workers && 5 * 36 * groups(4) <= 4 * 16 * groups(2)
    }

    /// Convolves `n` samples of `h` × `w` (channel c of sample s at `input[(c · n + s) · h · w]`)
    /// with `padTop` / `padLeft` zero rows / columns before the input, writing the `ho` × `wo`
    /// outputs (channel o of sample s at `out[(o · n + s) · ho · wo]`).
    /// - Parameter pool: where the padded copy and the threads' working memory come from.
    public func run(_ input: UnsafePointer<Float>, n: Int, h: Int, w: Int, padTop: Int, padLeft: Int,
                    out: UnsafeMutablePointer<Float>, ho: Int, wo: Int, pool: BufferPool) {
        guard ho > 0, wo > 0, n > 0 else { return }
        let tile = outputTile
        let (tilesY, tilesX) = ((ho + tile - 1) / tile, (wo + tile - 1) / tile)
        let hp = max(tile * tilesY + 2, h + padTop), wp = max(tile * tilesX + 2, w + padLeft)
        let planes = inChannels * n
        let padded = pool.allocate(visage_winograd_batch_padded_count(Int32(planes), Int32(hp), Int32(wp)))
        defer { pool.release(padded) }
        let (srcBits, padBits) = (UInt(bitPattern: input), UInt(bitPattern: padded))
        let workers = Backend.threads
        let perWorker = (planes + workers - 1) / workers
        Backend.parallelFor(workers) { worker in
            let first = min(planes, worker * perWorker), last = min(planes, first + perWorker)
            guard last > first else { return }
            visage_winograd_batch_pad(UnsafePointer<Float>(bitPattern: srcBits)!, Int32(planes), Int32(first),
                                      Int32(last), Int32(h), Int32(w), Int32(padTop), Int32(padLeft), Int32(hp),
                                      Int32(wp), UnsafeMutablePointer<Float>(bitPattern: padBits)!)
        }
        let tiles = n * tilesY * tilesX
        let scratchCount = tile == 4 ? visage_winograd4_scratch_count(Int32(inChannels))
            : visage_winograd_batch_scratch_count(Int32(inChannels))
        let scratch = pool.allocate(scratchCount * workers)
        defer { pool.release(scratch) }
        // Each worker takes a range of whole groups of eight tiles, or, when there are few tiles,
        // all of them for a range of output channels (so each reads only its part of the filters).
        // F(2×2, 3×3) gives each worker but the last ⌈groups / workers⌉ groups (the training tests'
        // runs depend on that split); F(4×4, 3×3) splits them as evenly as whole groups allow.
        let groups = (tiles + 7) / 8
        let byChannels = groups < 4 * workers && outChannels >= 4 * workers
        let groupsPerWorker = byChannels ? groups : (groups + workers - 1) / workers
        let blocksPerWorker = byChannels ? (outChannels / 4 + workers - 1) / workers : outChannels / 4
        let outBits = UInt(bitPattern: out), scratchBits = UInt(bitPattern: scratch)
        let (inChannels, outChannels, relu) = (self.inChannels, self.outChannels, self.relu)
        let kernel = tile == 4 ? visage_winograd4_avx2
            : usesAVX512 ? visage_winograd_batch_avx512 : visage_winograd_batch_avx2
        packed.withUnsafeBufferPointer { u in
            bias.withUnsafeBufferPointer { b in
                let (uBits, bBits) = (UInt(bitPattern: u.baseAddress!), UInt(bitPattern: b.baseAddress!))
                Backend.parallelFor(workers) { worker in
                    let begin = byChannels ? 0 : tile == 4 ? min(tiles, worker * groups / workers * 8)
                        : min(tiles, worker * groupsPerWorker * 8)
                    let end = byChannels ? tiles : tile == 4 ? min(tiles, (worker + 1) * groups / workers * 8)
                        : min(tiles, begin + groupsPerWorker * 8)
                    let outBegin = byChannels ? min(outChannels, worker * blocksPerWorker * 4) : 0
                    let outEnd = min(outChannels, outBegin + blocksPerWorker * 4)
                    guard end > begin, outEnd > outBegin else { return }
                    kernel(
                        UnsafePointer<Float>(bitPattern: padBits)!, Int32(inChannels), Int32(n), Int32(hp), Int32(wp),
                        Int32(tilesY), Int32(tilesX), UnsafePointer<Float>(bitPattern: uBits)!,
                        UnsafePointer<Float>(bitPattern: bBits)!, relu ? 1 : 0, Int32(outChannels), Int32(outBegin),
                        Int32(outEnd), UnsafeMutablePointer<Float>(bitPattern: outBits)!, Int32(ho), Int32(wo), begin,
                        end, UnsafeMutablePointer<Float>(bitPattern: scratchBits)! + worker * scratchCount)
                }
            }
        }
    }
}
