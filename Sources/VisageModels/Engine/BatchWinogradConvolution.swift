import CVisageKernels
import VisageNN

// Layout: CNHW in and out (see PlaneBuffer). The whole batch is copied once into zero-padded
// planes; its 2 × 2 output tiles, numbered across all samples, are split between the back end's
// threads, and each thread runs the C kernel (CVisageKernels/winograd_batch.c) on its range:
// input transform of a block of tiles, 16 products per block of four output channels, output
// transform with bias and ReLU, written straight into the next layer's input.

/// A stride-1 3 × 3 convolution of a whole batch by Winograd's F(2×2, 3×3) on AVX2/FMA, for the
/// wide layers of dlib's ResNet (32–256 channels): 4 instead of 9 multiplies per output and no
/// im2col, where ``BandedConvolution`` runs im2col and sgemm.
struct BatchWinogradConvolution: Sendable {
    /// U = G g Gᵀ packed by `visage_winograd_pack_weights` ([O/4][16][C][4]).
    private let packed: [Float]
    /// Per-channel bias, `O` values.
    private let bias: [Float]
    /// Output and input channels.
    let outChannels: Int, inChannels: Int
    /// Apply a ReLU after the bias.
    private let relu: Bool
    /// Zero padding.
    private let padding: PaddingMode

    /// Fewer input channels leave the transforms too little to save.
    static let minimumChannels = 16
    /// Below this many tiles (dlib's ResNet at batch 1 from its 8 × 8 planes on) the kernel
    /// would read all 16 transformed filter sets for a handful of outputs: ``run(_:)``'s caller
    /// takes im2col and sgemm instead.
    static let minimumTiles = 32

    /// The number of 2 × 2 output tiles for an input of `n` samples of `h` × `w`.
    func tileCount(n: Int, h: Int, w: Int) -> Int {
        let pad = padding.resolve(h: h, w: w, kh: 3, kw: 3, sy: 1, sx: 1)
        let ho = max(h + pad.top + pad.bottom - 2, 0), wo = max(w + pad.left + pad.right - 2, 0)
        return n * ((ho + 1) / 2) * ((wo + 1) / 2)
    }

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    static var isAvailable: Bool { DirectKernel.isAvailable }

    /// Wraps a stride-1 3 × 3 convolution with at least ``minimumChannels`` inputs, a multiple of
    /// four outputs and no activation or a ReLU; `nil` otherwise or without AVX2/FMA.
    init?(_ conv: Conv2D) {
        guard Self.isAvailable, conv.kernel == (3, 3), conv.stride == (1, 1),
              conv.inChannels >= Self.minimumChannels, conv.outChannels % 4 == 0,
              conv.activation == .identity || conv.activation == .relu else { return nil }
        outChannels = conv.outChannels
        inChannels = conv.inChannels
        relu = conv.activation == .relu
        padding = conv.padding
        bias = conv.bias?.storage ?? [Float](repeating: 0, count: conv.outChannels)
        let count = visage_winograd_packed_count(Int32(outChannels), Int32(inChannels), 3)
        packed = conv.weight.storage.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                visage_winograd_pack_weights(src.baseAddress!, Int32(conv.outChannels), Int32(conv.inChannels), 3,
                                             buf.baseAddress!)
                n = count
            }
        }
    }

    /// Runs the convolution on a CNHW buffer, returning a new one.
    func run(_ x: PlaneBuffer) -> PlaneBuffer {
        precondition(x.c == inChannels, "conv expects \(inChannels) channels, got \(x.c)")
        let pad = padding.resolve(h: x.h, w: x.w, kh: 3, kw: 3, sy: 1, sx: 1)
        let ho = max(x.h + pad.top + pad.bottom - 2, 0), wo = max(x.w + pad.left + pad.right - 2, 0)
        let out = x.sibling(c: outChannels, n: x.n, h: ho, w: wo)
        guard ho > 0, wo > 0, x.n > 0 else { return out }
        let (tilesY, tilesX) = ((ho + 1) / 2, (wo + 1) / 2)
        let hp = max(2 * tilesY + 2, x.h + pad.top), wp = max(2 * tilesX + 2, x.w + pad.left)
        let planes = inChannels * x.n
        let padded = x.pool.allocate(visage_winograd_batch_padded_count(Int32(planes), Int32(hp), Int32(wp)))
        defer { x.pool.release(padded) }
        let (srcBits, padBits) = (UInt(bitPattern: x.data), UInt(bitPattern: padded))
        let workers = Backend.threads
        let perWorker = (planes + workers - 1) / workers
        Backend.parallelFor(workers) { worker in
            let first = min(planes, worker * perWorker), last = min(planes, first + perWorker)
            guard last > first else { return }
            // Each worker pads whole planes; the slack on either side belongs to the first and last.
            let src = UnsafePointer<Float>(bitPattern: srcBits)!
            let dst = UnsafeMutablePointer<Float>(bitPattern: padBits)!
            visage_winograd_batch_pad(src, Int32(planes), Int32(first), Int32(last), Int32(x.h), Int32(x.w),
                                            Int32(pad.top), Int32(pad.left), Int32(hp), Int32(wp), dst)
        }
        let tiles = x.n * tilesY * tilesX
        let scratchCount = visage_winograd_batch_scratch_count(Int32(inChannels))
        let scratch = x.pool.allocate(scratchCount * workers)
        defer { x.pool.release(scratch) }
        // Each worker takes a range of whole groups of eight tiles, or, when there are few tiles,
        // all of them for a range of output channels (so each reads only its part of the filters).
        let groups = (tiles + 7) / 8
        let byChannels = groups < 4 * workers && outChannels >= 4 * workers
        let groupsPerWorker = byChannels ? groups : (groups + workers - 1) / workers
        let blocksPerWorker = byChannels ? (outChannels / 4 + workers - 1) / workers : outChannels / 4
        let outBits = UInt(bitPattern: out.data), scratchBits = UInt(bitPattern: scratch)
        packed.withUnsafeBufferPointer { u in
            bias.withUnsafeBufferPointer { b in
                let (uBits, bBits) = (UInt(bitPattern: u.baseAddress!), UInt(bitPattern: b.baseAddress!))
                Backend.parallelFor(workers) { worker in
                    let begin = byChannels ? 0 : min(tiles, worker * groupsPerWorker * 8)
                    let end = min(tiles, begin + groupsPerWorker * 8)
                    let outBegin = byChannels ? min(outChannels, worker * blocksPerWorker * 4) : 0
                    let outEnd = min(outChannels, outBegin + blocksPerWorker * 4)
                    guard end > begin, outEnd > outBegin else { return }
                    visage_winograd_batch_avx2(
                        UnsafePointer<Float>(bitPattern: padBits)!, Int32(inChannels), Int32(x.n), Int32(hp), Int32(wp),
                        Int32(tilesY), Int32(tilesX), UnsafePointer<Float>(bitPattern: uBits)!,
                        UnsafePointer<Float>(bitPattern: bBits)!, relu ? 1 : 0, Int32(outChannels),
                        Int32(outBegin), Int32(outEnd), UnsafeMutablePointer<Float>(bitPattern: outBits)!, Int32(ho), Int32(wo), begin, end,
                        UnsafeMutablePointer<Float>(bitPattern: scratchBits)! + worker * scratchCount)
                }
            }
        }
        return out
    }
}
