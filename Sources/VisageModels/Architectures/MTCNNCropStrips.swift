import VisageNN

// R-Net's and O-Net's convolution stages on the direct AVX2/FMA kernel, with the crops of a batch
// laid side by side in one strip per channel: [C][side][n · stride]. A convolution over the
// whole strip gives every crop's valid outputs (each crop's columns start at a multiple of the
// crop stride; the k − 1 columns between crops are computed and ignored), so each layer is one
// kernel call over rows of n · stride columns instead of n calls over 8–46 columns, where the
// kernel's 24-column blocks would mostly run masked. Pooling takes the window rows' maxima along
// whole strip rows, then each crop's windows, and writes the next, narrower strip. The batch is
// split into one group of crops per thread, each group run through every stage on its own core
// (no hand-over between layers).

/// The direct-kernel pass of an ``MTCNNConvStack``.
struct MTCNNCropStrips: Sendable {
    /// One stage's packed convolution and its pooling.
    struct Stage: Sendable {
        let kernel: DirectKernel
        /// The same convolution by Winograd F(2×2, 3×3), for the 3 × 3 stages after the first.
        let winograd: WinogradKernel?
        let size: Int
        let pool: (kernel: Int, stride: Int)?
    }

    let stages: [Stage]
    let inputSide: Int
    let inChannels: Int

    /// Packs the stages for the direct kernel; `nil` when the CPU lacks AVX2/FMA.
    init?(_ stack: [MTCNNConvStage], inputSide: Int) {
        guard DirectKernel.isAvailable, let first = stack.first else { return nil }
        var stages: [Stage] = []
        for s in stack {
            // Winograd's transforms outweigh its savings on three input channels (conv1).
            let winograd = s.kernel == 3 && s.inChannels >= DirectConvolution.winogradMinimumChannels
                ? WinogradKernel(weight: s.weight, outChannels: s.outChannels, inChannels: s.inChannels, bias: s.bias,
                                 prelu: s.slope)
                : nil
            guard let kernel = winograd?.direct
                ?? DirectKernel(weight: s.weight, outChannels: s.outChannels, inChannels: s.inChannels,
                                kh: s.kernel, kw: s.kernel, bias: s.bias, prelu: s.slope)
            else { return nil }
            stages.append(Stage(kernel: kernel, winograd: winograd, size: s.kernel, pool: s.pool))
        }
        self.stages = stages
        self.inputSide = inputSide
        inChannels = first.inChannels
    }

    /// Floats of the larger of the two strip buffers for `n` crops.
    func bufferFloats(crops n: Int) -> Int {
        var side = inputSide, stride = inputSide, channels = inChannels, most = channels * side * n * stride
        for stage in stages {
            let conv = side - stage.size + 1
            most = max(most, stage.kernel.outChannels * conv * n * stride)
            channels = stage.kernel.outChannels
            if let pool = stage.pool {
                side = StreamOps.pooledExtent(conv, kernel: pool.kernel, stride: pool.stride)
                stride = side
            } else {
                side = conv
            }
        }
        return most
    }

    /// Runs crops `first ..< first + n` of `input` (NCHW, `inChannels × inputSide²` per crop)
    /// through every stage on the caller's thread, writing each crop's features (C, H, W order,
    /// `flat` floats) to its row of `output`. `a` and `b` hold ``bufferFloats(crops:)`` floats.
    func run(_ input: UnsafePointer<Float>, first: Int, count n: Int, output: UnsafeMutablePointer<Float>, flat: Int,
             a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>) {
        var side = inputSide, stride = inputSide, channels = inChannels
        // The crops into the first strip.
        let plane = side * side
        for c in 0..<channels {
            for y in 0..<side {
                for j in 0..<n {
                    (a + (c * side + y) * n * stride + j * stride)
                        .update(from: input + ((first + j) * channels + c) * plane + y * side, count: side)
                }
            }
        }
        var (src, dst) = (a, b)
        for stage in stages {
            let pitch = n * stride, conv = side - stage.size + 1
            if let winograd = stage.winograd {
                winograd.run(src, planeStride: side * pitch, pitch: pitch, out: dst, outChannelStride: conv * pitch,
                             outPitch: pitch, width: (n - 1) * stride + conv, rows: 0..<conv)
            } else {
                stage.kernel.run(src, planeStride: side * pitch, pitch: pitch, out: dst, outChannelStride: conv * pitch,
                                 outPitch: pitch, width: (n - 1) * stride + conv, rows: 0..<conv)
            }
            channels = stage.kernel.outChannels
            if let pool = stage.pool {
                let pooled = StreamOps.pooledExtent(conv, kernel: pool.kernel, stride: pool.stride)
                for c in 0..<channels {
                    Self.maxPool(dst + c * conv * pitch, pitch: pitch, crops: n, stride: stride, side: conv,
                                 kernel: pool.kernel, step: pool.stride, into: src + c * pooled * n * pooled)
                }
                (side, stride) = (pooled, pooled)
            } else {
                side = conv
                swap(&src, &dst)
            }
        }
        // [C][side][n · stride] → per crop C, H, W.
        let pitch = n * stride
        for j in 0..<n {
            let row = output + (first + j) * flat
            for c in 0..<channels {
                for y in 0..<side {
                    (row + (c * side + y) * side).update(from: src + (c * side + y) * pitch + j * stride, count: side)
                }
            }
        }
    }

    /// Ceil-mode max pooling of one channel of a strip: `n` crops of `side`² at columns `stride`
    /// apart, rows `pitch` apart, into a strip of the pooled crops side by side. The window
    /// rows' maxima are taken once along the whole strip row (long runs the compiler
    /// vectorises), then each crop's windows read them.
    static func maxPool(_ src: UnsafePointer<Float>, pitch: Int, crops n: Int, stride: Int, side: Int, kernel k: Int,
                        step s: Int, into dst: UnsafeMutablePointer<Float>) {
        let pooled = StreamOps.pooledExtent(side, kernel: k, stride: s)
        let width = (n - 1) * stride + side
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { buffer in
            let colMax = buffer.baseAddress!
            for oy in 0..<pooled {
                let y0 = oy * s, y1 = min(y0 + k, side)
                colMax.update(from: src + y0 * pitch, count: width)
                for y in (y0 + 1)..<y1 {
                    let line = src + y * pitch
                    for x in 0..<width { colMax[x] = PlaneKernels.larger(colMax[x], line[x]) }
                }
                let out = dst + oy * n * pooled
                for j in 0..<n {
                    StreamOps.poolRow(colMax + j * stride, width: side, kernel: k, stride: s, into: out + j * pooled,
                                      count: pooled)
                }
            }
        }
    }
}
