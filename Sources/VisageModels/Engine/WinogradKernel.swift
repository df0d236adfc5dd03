import CVisageKernels
import VisageNN

// Winograd F(2×2, 3×3) and F(2×2, 5×5) on AVX2/FMA (CVisageKernels/winograd_conv.c) for the
// stride-1 convolutions of the face detectors: (r + 1)² / 4 · C · O multiplies per output instead
// of r² · C · O. Measured on one core against the direct kernel: P-Net's conv3 (16 → 32, 299
// columns) 1.6–2.0× faster, conv2 (10 → 16) 1.0–1.6× (its transforms weigh more next to fewer
// channels); MMOD's 5 × 5 layers (32 or 45 → 45) 2.3–2.4×.

/// A stride-1 valid r × r convolution (r = 3 or 5) with bias and PReLU/ReLU by Winograd's
/// F(2×2, r×r), callable on raw planes like ``DirectKernel``.
struct WinogradKernel: Sendable {
    /// U = G g Gᵀ packed by `visage_winograd_pack_weights`.
    let packed: [Float]
    /// The filter side r.
    let r: Int
    /// The same convolution on the direct kernel, for an odd last output row.
    let direct: DirectKernel

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    static var isAvailable: Bool { DirectKernel.isAvailable }

    /// Packs `[O, I, r, r]` weights; `nil` for other filter sides or without AVX2/FMA.
    /// - Parameters:
    ///   - weight: the filters, row-major `[O, I, r, r]`.
    ///   - side: r, 3 or 5.
    ///   - bias: `O` values, or `nil` for zeros.
    ///   - relu: apply a ReLU after the bias.
    ///   - prelu: `O` PReLU slopes applied after the bias (exclusive with `relu`).
    init?(weight: [Float], outChannels: Int, inChannels: Int, side: Int = 3, bias: [Float]?, relu: Bool = false,
          prelu: [Float]? = nil) {
        guard Self.isAvailable, side == 3 || side == 5,
              let direct = DirectKernel(weight: weight, outChannels: outChannels, inChannels: inChannels, kh: side,
                                        kw: side, bias: bias, relu: relu, prelu: prelu) else { return nil }
        self.direct = direct
        r = side
        let count = visage_winograd_packed_count(Int32(outChannels), Int32(inChannels), Int32(side))
        packed = weight.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                visage_winograd_pack_weights(src.baseAddress!, Int32(outChannels), Int32(inChannels), Int32(side),
                                             buf.baseAddress!)
                n = count
            }
        }
    }

    /// Computes output rows `rows`: input channel c, row y, column x at
    /// `input[c · planeStride + y · pitch + x]` (`width + r − 1` columns read), output channel o at
    /// `out[o · outChannelStride + y · outPitch + x]`.
    func run(_ input: UnsafePointer<Float>, planeStride: Int, pitch: Int, out: UnsafeMutablePointer<Float>,
             outChannelStride: Int, outPitch: Int, width: Int, rows: Range<Int>) {
        guard !rows.isEmpty, width > 0 else { return }
        let scratchCount = visage_winograd_scratch_count(Int32(direct.inChannels), Int32(r))
        let done = withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchCount) { scratch in
            packed.withUnsafeBufferPointer { wp in
                direct.bias.withUnsafeBufferPointer { bp in
                    direct.slope.withUnsafeBufferPointer { ap in
                        Int(visage_winograd_avx2(input, planeStride, Int32(pitch), Int32(direct.inChannels), Int32(r),
                                                 wp.baseAddress!, bp.baseAddress!, ap.baseAddress!, direct.activation,
                                                 Int32(direct.outChannels), out, outChannelStride, Int32(outPitch),
                                                 Int32(width), Int32(rows.lowerBound), Int32(rows.upperBound),
                                                 scratch.baseAddress!))
                    }
                }
            }
        }
        if done < rows.upperBound {
            direct.run(input, planeStride: planeStride, pitch: pitch, out: out, outChannelStride: outChannelStride,
                       outPitch: outPitch, width: width, rows: done..<rows.upperBound)
        }
    }

    /// ``run(_:planeStride:pitch:out:outChannelStride:outPitch:width:rows:)`` over rows
    /// `0 ..< rows`, split in pairs of rows across the back end's threads when the work is large;
    /// with `parallel` false on the caller's thread.
    func runParallel(parallel: Bool = true, _ input: UnsafePointer<Float>, planeStride: Int, pitch: Int,
                     out: UnsafeMutablePointer<Float>, outChannelStride: Int, outPitch: Int, width: Int, rows: Int) {
        let work = direct.outChannels * direct.inChannels * r * r * rows * width
        let pairs = (rows + 1) / 2
        let chunks = !parallel || work < 1 << 20 ? 1 : min(pairs, 4 * Backend.threads)
        let (inBits, outBits) = (UInt(bitPattern: input), UInt(bitPattern: out))
        Backend.parallelFor(chunks) { chunk in
            let first = 2 * (chunk * pairs / chunks), last = min(rows, 2 * ((chunk + 1) * pairs / chunks))
            run(UnsafePointer(bitPattern: inBits)!, planeStride: planeStride, pitch: pitch,
                out: UnsafeMutablePointer(bitPattern: outBits)!, outChannelStride: outChannelStride, outPitch: outPitch,
                width: width, rows: first..<last)
        }
    }
}
