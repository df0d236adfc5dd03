import CVisageKernels

// Layout: CNHW in and out, read and written in place (no padded copy: the C kernel,
// CVisageKernels/winograd_line.c, treats inputs outside the plane as zero). Tiles are pairs of
// outputs along the filter's line, eight neighbouring lines to a vector; the threads take ranges
// of whole groups of eight tiles, or, with few tiles, ranges of output channels.

/// A stride-1 convolution with seven taps along one axis (1 × 7 or 7 × 1, FaceNet-160's Block17)
/// of a whole channel-major batch by Winograd's F(2, 7): 4 instead of 7 multiplies per output and
/// input channel, no im2col. Used by the compiled plans in place of im2col and a matrix product.
public struct LineWinogradKernel: Sendable {
    /// U = G g packed by `visage_winograd_line_pack_weights` ([O/4][8][C][4]).
    private let packed: [Float]
    /// Per-channel bias, `O` values.
    private let bias: [Float]
    /// Output and input channels.
    public let outChannels: Int, inChannels: Int
    /// Whether the filter runs down the columns (7 × 1) rather than along the rows (1 × 7).
    public let vertical: Bool
    /// Whether a ReLU follows the bias.
    public let relu: Bool
    /// Whether the products run eight output channels at a time in AVX-512 (the CPU has it and
    /// the caller allowed it).
    public let usesAVX512: Bool

    /// Fewer input channels leave the transforms too little to save.
    public static let minimumChannels = 16

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    public static var isAvailable: Bool { visage_cpu_has_avx2() == 1 }

    /// Packs a stride-1 1 × 7 or 7 × 1 convolution with at least ``minimumChannels`` inputs, a
    /// multiple of four outputs and no activation or a ReLU; `nil` otherwise or without AVX2/FMA.
    /// - Parameter allowsAVX512: `false` keeps the AVX2 products on a CPU with AVX-512 (to compare).
    public init?(_ conv: Conv2D, allowsAVX512: Bool = true) {
        guard Self.isAvailable, conv.kernel == (1, 7) || conv.kernel == (7, 1), conv.stride == (1, 1),
              conv.inChannels >= Self.minimumChannels, conv.outChannels % 4 == 0,
              conv.activation == .identity || conv.activation == .relu else { return nil }
        outChannels = conv.outChannels
        inChannels = conv.inChannels
        vertical = conv.kernel == (7, 1)
        relu = conv.activation == .relu
        usesAVX512 = allowsAVX512 && visage_cpu_has_avx512() == 1
        bias = conv.bias?.storage ?? [Float](repeating: 0, count: conv.outChannels)
        let (o, c) = (Int32(outChannels), Int32(inChannels))
        let count = visage_winograd_line_packed_count(o, c)
        packed = conv.weight.storage.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                visage_winograd_line_pack_weights(src.baseAddress!, o, c, buf.baseAddress!)
                n = count
            }
        }
    }

    /// Whether `padding` suits the kernel: zeros only along the filter's line (none across it).
    public func accepts(_ padding: Padding) -> Bool {
        vertical ? padding.left == 0 && padding.right == 0 : padding.top == 0 && padding.bottom == 0
    }

    /// Convolves `n` samples of `h` × `w` (channel c of sample s at `input[(c · n + s) · h · w]`)
    /// with `pad` zero inputs before each line, writing `length` outputs along each line (ho × wo =
    /// `length` × w for 7 × 1, h × `length` for 1 × 7; channel o of sample s at
    /// `out[(o · n + s) · ho · wo]`).
    /// - Parameter pool: where the threads' working memory comes from.
    public func run(_ input: UnsafePointer<Float>, n: Int, h: Int, w: Int, pad: Int, length: Int,
                    out: UnsafeMutablePointer<Float>, pool: BufferPool) {
        guard n > 0, h > 0, w > 0, length > 0 else { return }
        let across = vertical ? w : h
        let tiles = n * ((length + 1) / 2) * ((across + 7) / 8 * 8)
        let workers = Backend.threads
        let scratchCount = visage_winograd_line_scratch_count(Int32(inChannels))
        let scratch = pool.allocate(scratchCount * workers)
        defer { pool.release(scratch) }
        // Each worker takes a range of whole groups of eight tiles, or, with fewer than four
        // groups per worker, all of them for a range of output channels (eight at a time, the
        // AVX-512 products' pairs of blocks).
        let groups = tiles / 8
        let byChannels = groups < 4 * workers && outChannels >= 8 * workers
        let blocksPerWorker = ((outChannels / 4 + 1) / 2 + workers - 1) / workers * 2
        let (inBits, outBits, scratchBits) = (UInt(bitPattern: input), UInt(bitPattern: out), UInt(bitPattern: scratch))
        let (inChannels, outChannels, relu, vertical) = (self.inChannels, self.outChannels, self.relu, self.vertical)
        let avx512: Int32 = usesAVX512 ? 1 : 0
        packed.withUnsafeBufferPointer { u in
            bias.withUnsafeBufferPointer { b in
                let (uBits, bBits) = (UInt(bitPattern: u.baseAddress!), UInt(bitPattern: b.baseAddress!))
                Backend.parallelFor(workers) { worker in
                    let begin = byChannels ? 0 : worker * groups / workers * 8
                    let end = byChannels ? tiles : (worker + 1) * groups / workers * 8
                    let outBegin = byChannels ? min(outChannels, worker * blocksPerWorker * 4) : 0
                    let outEnd = byChannels ? min(outChannels, outBegin + blocksPerWorker * 4) : outChannels
                    guard end > begin, outEnd > outBegin else { return }
                    visage_winograd_line_avx2(
                        UnsafePointer<Float>(bitPattern: inBits)!, Int32(n), Int32(inChannels), Int32(h), Int32(w),
                        vertical ? 1 : 0, Int32(pad), Int32(length), UnsafePointer<Float>(bitPattern: uBits)!,
                        UnsafePointer<Float>(bitPattern: bBits)!, relu ? 1 : 0, Int32(outBegin), Int32(outEnd),
                        UnsafeMutablePointer<Float>(bitPattern: outBits)!, begin, end,
                        UnsafeMutablePointer<Float>(bitPattern: scratchBits)! + worker * scratchCount, avx512)
                }
            }
        }
    }
}
