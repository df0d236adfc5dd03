import CVisageKernels

// The direct convolution kernel (CVisageKernels/direct_conv.c): four output channels × 24
// columns per register block (AVX2), or eight × 48 (AVX-512), bias and activation fused, input
// read in place (no im2col).

/// Packed weights, bias and activation of one convolution for the direct AVX2/FMA kernel
/// (`visage_conv_direct_avx2`, or `visage_conv_direct_avx512` where the CPU has it), callable on raw planes: for convolutions with few input
/// channels (an RGB image's first layer, MTCNN, MMOD), where im2col would copy every input pixel
/// KH · KW times for a product with few rows.
public struct DirectKernel: Sendable {
    /// Weights packed four output channels at a time (`visage_conv_pack_weights`).
    public let packed: [Float]
    /// One bias per output channel, padded to a multiple of four.
    public let bias: [Float]
    /// PReLU slopes (padded as `bias`), zeros unless the activation is PReLU.
    public let slope: [Float]
    /// `VISAGE_CONV_IDENTITY`, `_RELU` or `_PRELU`.
    public let activation: Int32
    /// Output and input channels.
    public let outChannels: Int, inChannels: Int
    /// Kernel rows and columns.
    public let kh: Int, kw: Int
    /// Whether the AVX-512 kernel runs (the CPU has it and the caller allowed it): eight output
    /// channels × 48 columns per register block, the same results as the AVX2 kernel to the bit.
    public let usesAVX512: Bool

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    public static var isAvailable: Bool { visage_cpu_has_avx2() == 1 }

    /// Convolutions of this few input channels (an image's first layer, such as RGB) run on the
    /// direct kernel even in plans for wide nets: im2col would copy every input pixel KH · KW /
    /// stride² times for a product with only I · KH · KW rows.
    public static let narrowInputChannels = 4

    /// Copies one input plane into the kernel's zero-padded, column-phase-split layout: row r,
    /// column j of `destination` (`rows` × `pitch`) holds the plane's (r − pad.top,
    /// j · sx + phase − pad.left), zero outside the `h` × `w` plane.
    public static func copyPhase(_ plane: UnsafePointer<Float>, h: Int, w: Int, pad: Padding, sx: Int, phase: Int,
                                 rows: Int, pitch: Int, into destination: UnsafeMutablePointer<Float>) {
        // Columns j with 0 ≤ j·sx + phase − left < w.
        let first = max(0, (pad.left - phase + sx - 1) / sx)
        let span = w - 1 + pad.left - phase
        let last = span < 0 ? first : min(pitch, max(first, span / sx + 1))
        for r in 0..<rows {
            let line = destination + r * pitch
            let iy = r - pad.top
            guard iy >= 0, iy < h, last > first else {
                line.update(repeating: 0, count: pitch)
                continue
            }
            if first > 0 { line.update(repeating: 0, count: first) }
            if last < pitch { (line + last).update(repeating: 0, count: pitch - last) }
            let src = plane + iy * w + phase - pad.left
            if sx == 1 {
                (line + first).update(from: src + first, count: last - first)
            } else {
                for j in first..<last { line[j] = src[j * sx] }
            }
        }
    }

    /// Packs `[O, I, KH, KW]` weights; `nil` for kernels wider than 16 or empty shapes.
    /// - Parameters:
    ///   - weight: the filters, row-major `[O, I, KH, KW]`.
    ///   - bias: `O` values, or `nil` for zeros.
    ///   - relu: apply a ReLU after the bias.
    ///   - prelu: `O` PReLU slopes applied after the bias (exclusive with `relu`).
    ///   - allowsAVX512: `false` keeps the AVX2 kernel on a CPU with AVX-512 (to compare them).
    public init?(weight: [Float], outChannels: Int, inChannels: Int, kh: Int, kw: Int, bias: [Float]?,
          relu: Bool = false, prelu: [Float]? = nil, allowsAVX512: Bool = true) {
        guard kw >= 1, kw <= 16, kh >= 1, outChannels >= 1, inChannels >= 1,
              weight.count == outChannels * inChannels * kh * kw,
              bias == nil || bias!.count == outChannels,
              prelu == nil || (prelu!.count == outChannels && !relu) else { return nil }
        self.outChannels = outChannels
        self.inChannels = inChannels
        self.kh = kh
        self.kw = kw
        usesAVX512 = allowsAVX512 && visage_cpu_has_avx512() == 1
        let extra = [Float](repeating: 0, count: (outChannels + 3) / 4 * 4 - outChannels)
        self.bias = (bias ?? [Float](repeating: 0, count: outChannels)) + extra
        slope = (prelu ?? [Float](repeating: 0, count: outChannels)) + extra
        activation = prelu != nil ? Int32(VISAGE_CONV_PRELU.rawValue)
            : relu ? Int32(VISAGE_CONV_RELU.rawValue) : Int32(VISAGE_CONV_IDENTITY.rawValue)
        let count = visage_conv_packed_count(Int32(outChannels), Int32(inChannels), Int32(kh), Int32(kw))
        let (o, c, h, w) = (Int32(outChannels), Int32(inChannels), Int32(kh), Int32(kw))
        packed = weight.withUnsafeBufferPointer { src in
            [Float](unsafeUninitializedCapacity: count) { buf, n in
                visage_conv_pack_weights(src.baseAddress!, o, c, h, w, buf.baseAddress!)
                n = count
            }
        }
    }

    /// Computes output rows `rows` (see `visage_conv_direct_avx2` for the layouts).
    /// - Parameters:
    ///   - input: channel c, phase p at `input + (c · sx + p) · planeStride`, rows `pitch` apart.
    ///   - out: channel o, row y, column x at `out[o · outChannelStride + y · outPitch + x]`.
    ///   - width: output columns.
    public func run(_ input: UnsafePointer<Float>, planeStride: Int, pitch: Int, strides: (y: Int, x: Int) = (1, 1),
             out: UnsafeMutablePointer<Float>, outChannelStride: Int, outPitch: Int, width: Int, rows: Range<Int>) {
        guard !rows.isEmpty, width > 0 else { return }
        let kernel = usesAVX512 ? visage_conv_direct_avx512 : visage_conv_direct_avx2
        packed.withUnsafeBufferPointer { wp in
            bias.withUnsafeBufferPointer { bp in
                slope.withUnsafeBufferPointer { ap in
                    kernel(input, planeStride, Int32(pitch), Int32(inChannels), wp.baseAddress!, bp.baseAddress!,
                           ap.baseAddress!, activation, Int32(outChannels), Int32(kh), Int32(kw), Int32(strides.y),
                           Int32(strides.x), out, outChannelStride, Int32(outPitch), Int32(width),
                           Int32(rows.lowerBound), Int32(rows.upperBound))
                }
            }
        }
    }

    /// ``run(_:planeStride:pitch:strides:out:outChannelStride:outPitch:width:rows:)`` over all
    /// `rows`, split across the back end's threads when the work (multiply-adds) is large.
    /// With `parallel` false it runs on the caller's thread.
    public func runParallel(parallel: Bool = true, _ input: UnsafePointer<Float>, planeStride: Int, pitch: Int,
                     strides: (y: Int, x: Int) = (1, 1), out: UnsafeMutablePointer<Float>, outChannelStride: Int,
                     outPitch: Int, width: Int, rows: Int) {
        let work = outChannels * inChannels * kh * kw * rows * width
        let chunks = !parallel || work < 1 << 20 ? 1 : min(rows, 4 * Backend.threads)
        let (inBits, outBits) = (UInt(bitPattern: input), UInt(bitPattern: out))
        Backend.parallelFor(chunks) { chunk in
            run(UnsafePointer(bitPattern: inBits)!, planeStride: planeStride, pitch: pitch, strides: strides,
                out: UnsafeMutablePointer(bitPattern: outBits)!, outChannelStride: outChannelStride, outPitch: outPitch,
                width: width, rows: (chunk * rows / chunks)..<((chunk + 1) * rows / chunks))
        }
    }
}
