// Layout: input NCHW [N, I, H, W]; weight [O, I, KH, KW]; bias [O]; output [N, O, Ho, Wo]
//   Ho = (H + top + bottom − KH) / SY + 1,  Wo = (W + left + right − KW) / SX + 1.
// Lowered to one sgemm per chunk of samples: out[O, n·P] = weight[O, K] · col[K, n·P],
// K = I·KH·KW, P = Ho·Wo (a 1×1 stride-1 unpadded convolution needs no im2col).

/// A 2-D cross-correlation (no kernel flip) with zero padding, an optional bias and a fused
/// activation.
public struct Conv2D: Layer {
    /// The filters, [O, I, KH, KW].
    public var weight: Tensor
    /// One bias per output channel, or `nil`.
    public var bias: Tensor?
    /// Vertical and horizontal stride.
    public var stride: (y: Int, x: Int)
    /// How the input is padded.
    public var padding: PaddingMode
    /// The activation applied to the output.
    public var activation: Activation

    /// Creates a convolution.
    /// - Parameters:
    ///   - weight: filters [O, I, KH, KW].
    ///   - bias: [O] or `nil`.
    ///   - stride: (y, x) strides, default 1.
    ///   - padding: zero padding, default none.
    ///   - activation: fused activation, default none.
    public init(weight: Tensor, bias: Tensor? = nil, stride: (y: Int, x: Int) = (1, 1),
                padding: PaddingMode = .explicit(.zero), activation: Activation = .identity) {
        precondition(weight.rank == 4, "conv weight must be [O, I, KH, KW], got \(weight.shape)")
        precondition(bias == nil || bias!.count == weight.shape[0], "bias size mismatch")
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.activation = activation
    }

    /// Output channels.
    public var outChannels: Int { weight.shape[0] }
    /// Input channels.
    public var inChannels: Int { weight.shape[1] }
    /// Kernel rows and columns.
    public var kernel: (h: Int, w: Int) { (weight.shape[2], weight.shape[3]) }

    /// The same convolution followed by a per-channel affine map (e.g. a folded batch norm):
    /// `w' = w · scale[o]`, `b' = b · scale[o] + shift[o]`.
    public func folding(_ affine: ChannelAffine) -> Conv2D {
        precondition(affine.scale.count == outChannels, "affine has \(affine.scale.count) channels, conv \(outChannels)")
        var w = weight
        let per = inChannels * kernel.h * kernel.w
        var b = [Float](repeating: 0, count: outChannels)
        for o in 0..<outChannels {
            let s = affine.scale[o]
            for j in 0..<per { w.storage[o * per + j] *= s }
            b[o] = (bias?.storage[o] ?? 0) * s + affine.shift[o]
        }
        return Conv2D(weight: w, bias: Tensor(shape: [outChannels], storage: b), stride: stride,
                      padding: padding, activation: activation)
    }

    /// The same convolution with another fused activation.
    public func with(activation: Activation) -> Conv2D {
        var c = self
        c.activation = activation
        return c
    }

    /// O · I · KH · KW weights plus the bias.
    public var parameterCount: Int { weight.count + (bias?.count ?? 0) }

    private func geometry(_ input: [Int]) -> (pad: Padding, ho: Int, wo: Int) {
        let (kh, kw) = kernel
        let pad = padding.resolve(h: input[2], w: input[3], kh: kh, kw: kw, sy: stride.y, sx: stride.x)
        let ho = (input[2] + pad.top + pad.bottom - kh) / stride.y + 1
        let wo = (input[3] + pad.left + pad.right - kw) / stride.x + 1
        return (pad, max(ho, 0), max(wo, 0))
    }

    /// [N, O, Ho, Wo].
    public func outputShape(for input: [Int]) -> [Int] {
        let g = geometry(input)
        return [input[0], outChannels, g.ho, g.wo]
    }

    /// Ho · Wo · O · I · KH · KW.
    public func multiplyAdds(for input: [Int]) -> Int {
        let g = geometry(input)
        return g.ho * g.wo * weight.count
    }

    /// `out[s] = weight · columns[s]` for `samples` samples whose columns sit side by side
    /// ([K, samples·P], row-major). Large planes take one sgemm per sample straight into the
    /// output; small planes take one sgemm for the whole batch and a scatter, which keeps the
    /// matrix product wide enough to be efficient.
    static func gemmSamples(_ weight: UnsafePointer<Float>, co: Int, k: Int, p: Int, samples: Int,
                            columns: UnsafePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let ldb = samples * p
        if samples == 1 || p >= 256 {
            for s in 0..<samples {
                Gemm.sgemm(m: co, n: p, k: k, a: weight, lda: k, b: columns + s * p, ldb: ldb,
                           c: out + s * co * p, ldc: p)
            }
            return
        }
        let count = co * ldb
        var tmp = [Float](unsafeUninitializedCapacity: count) { _, c in c = count }
        tmp.withUnsafeMutableBufferPointer { tp in
            let tb = tp.baseAddress!
            Gemm.sgemm(m: co, n: ldb, k: k, a: weight, lda: k, b: columns, ldb: ldb, c: tb, ldc: ldb)
            for s in 0..<samples {
                for o in 0..<co {
                    (out + s * co * p + o * p).update(from: tb + o * ldb + s * p, count: p)
                }
            }
        }
    }

    /// Runs the convolution.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.c == inChannels,
                     "conv expects [N, \(inChannels), H, W], got \(x.shape)")
        let g = geometry(x.shape)
        let (n, h, w) = (x.n, x.h, x.w)
        let (kh, kw) = kernel
        let co = outChannels
        let p = g.ho * g.wo
        let k = inChannels * kh * kw
        var out = Tensor(uninitializedShape: [n, co, g.ho, g.wo])
        guard p > 0, n > 0 else { return out }
        // A 1×1 stride-1 unpadded convolution reads the input as its own column matrix, one
        // sample at a time; small planes in a batch still go through im2col (a plain copy then)
        // so that one wide matrix product serves the whole batch.
        let direct = kh == 1 && kw == 1 && stride == (1, 1) && g.pad == .zero && (n == 1 || p >= 256)
        x.storage.withUnsafeBufferPointer { xp in
            weight.storage.withUnsafeBufferPointer { wp in
                out.storage.withUnsafeMutableBufferPointer { op in
                    let xb = xp.baseAddress!, wb = wp.baseAddress!, ob = op.baseAddress!
                    if direct {
                        for s in 0..<n {
                            Gemm.sgemm(m: co, n: p, k: k, a: wb, lda: k, b: xb + s * k * p, ldb: p,
                                       c: ob + s * co * p, ldc: p)
                        }
                        return
                    }
                    // Chunk the batch so the column buffer stays near 16 M floats.
                    let chunk = max(1, min(n, (1 << 24) / max(k * p, 1)))
                    let colCount = k * chunk * p
                    // Every element is written by Im2Col.fill, so the buffer need not be zeroed.
                    var col = [Float](unsafeUninitializedCapacity: colCount) { _, c in c = colCount }
                    col.withUnsafeMutableBufferPointer { cp in
                        var s0 = 0
                        while s0 < n {
                            let nb = min(chunk, n - s0)
                            Im2Col.fill(cp.baseAddress!, from: xb + s0 * inChannels * h * w,
                                        samples: nb, channels: inChannels, h: h, w: w,
                                        kh: kh, kw: kw, sy: stride.y, sx: stride.x, pad: g.pad,
                                        ho: g.ho, wo: g.wo)
                            Conv2D.gemmSamples(wb, co: co, k: k, p: p, samples: nb, columns: cp.baseAddress!,
                                               out: ob + s0 * co * p)
                            s0 += nb
                        }
                    }
                }
            }
        }
        Epilogue.apply(&out, bias: bias?.storage, activation: activation)
        return out
    }
}
