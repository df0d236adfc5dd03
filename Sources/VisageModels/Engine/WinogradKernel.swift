import CVisageKernels
import VisageNN

// Winograd F(2×2, 3×3) on AVX2/FMA (CVisageKernels/winograd_conv.c) for the stride-1 3 × 3
// convolutions of the MTCNN nets: 4 · C · O multiplies per output instead of 9 · C · O. Measured
// on P-Net's conv3 (16 → 32, 299 columns, one core) 1.6–2.0× faster than the direct kernel, on
// conv2 (10 → 16) 1.0–1.6× (its transforms weigh more next to fewer channels).

/// A stride-1 valid 3 × 3 convolution with bias and PReLU/ReLU by Winograd's F(2×2, 3×3),
/// callable on raw planes like ``DirectKernel``.
struct WinogradKernel: Sendable {
    /// U = G g Gᵀ packed by `visage_winograd3_pack_weights`.
    let packed: [Float]
    /// The same convolution on the direct kernel, for an odd last output row.
    let direct: DirectKernel

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    static var isAvailable: Bool { DirectKernel.isAvailable }

    /// Packs `[O, I, 3, 3]` weights; `nil` for other shapes or without AVX2/FMA.
    /// - Parameters:
    ///   - weight: the filters, row-major `[O, I, 3, 3]`.
    ///   - bias: `O` values, or `nil` for zeros.
    ///   - prelu: `O` PReLU slopes applied after the bias.
    init?(weight: [Float], outChannels: Int, inChannels: Int, bias: [Float]?, prelu: [Float]? = nil) {
        guard Self.isAvailable,
              let direct = DirectKernel(weight: weight, outChannels: outChannels, inChannels: inChannels, kh: 3, kw: 3,
                                        bias: bias, prelu: prelu) else { return nil }
        self.direct = direct
        let count = visage_winograd3_packed_count(Int32(outChannels), Int32(inChannels))
        packed = weight.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                visage_winograd3_pack_weights(src.baseAddress!, Int32(outChannels), Int32(inChannels), buf.baseAddress!)
                n = count
            }
        }
    }

    /// Computes output rows `rows`: input channel c, row y, column x at
    /// `input[c · planeStride + y · pitch + x]` (`width + 2` columns read), output channel o at
    /// `out[o · outChannelStride + y · outPitch + x]`.
    func run(_ input: UnsafePointer<Float>, planeStride: Int, pitch: Int, out: UnsafeMutablePointer<Float>,
             outChannelStride: Int, outPitch: Int, width: Int, rows: Range<Int>) {
        guard !rows.isEmpty, width > 0 else { return }
        let scratchCount = visage_winograd3_scratch_count(Int32(direct.inChannels))
        let done = withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchCount) { scratch in
            packed.withUnsafeBufferPointer { wp in
                direct.bias.withUnsafeBufferPointer { bp in
                    direct.slope.withUnsafeBufferPointer { ap in
                        Int(visage_winograd3_avx2(input, planeStride, Int32(pitch), Int32(direct.inChannels),
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
        let work = direct.outChannels * direct.inChannels * 9 * rows * width
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
