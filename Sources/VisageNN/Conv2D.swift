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
        var out = Tensor(shape: [n, co, g.ho, g.wo])
        guard p > 0, n > 0 else { return out }
        let direct = kh == 1 && kw == 1 && stride == (1, 1) && g.pad == .zero
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
                    var col = [Float](repeating: 0, count: k * chunk * p)
                    var tmp = [Float](repeating: 0, count: chunk > 1 ? co * chunk * p : 0)
                    col.withUnsafeMutableBufferPointer { cp in
                        tmp.withUnsafeMutableBufferPointer { tp in
                            var s0 = 0
                            while s0 < n {
                                let nb = min(chunk, n - s0)
                                Im2Col.fill(cp.baseAddress!, from: xb + s0 * inChannels * h * w,
                                            samples: nb, channels: inChannels, h: h, w: w,
                                            kh: kh, kw: kw, sy: stride.y, sx: stride.x, pad: g.pad,
                                            ho: g.ho, wo: g.wo)
                                if nb == 1 {
                                    Gemm.sgemm(m: co, n: p, k: k, a: wb, lda: k, b: cp.baseAddress!,
                                               ldb: p, c: ob + s0 * co * p, ldc: p)
                                } else {
                                    let tb = tp.baseAddress!
                                    Gemm.sgemm(m: co, n: nb * p, k: k, a: wb, lda: k,
                                               b: cp.baseAddress!, ldb: nb * p, c: tb, ldc: nb * p)
                                    for s in 0..<nb {
                                        for o in 0..<co {
                                            (ob + (s0 + s) * co * p + o * p)
                                                .update(from: tb + o * nb * p + s * p, count: p)
                                        }
                                    }
                                }
                                s0 += nb
                            }
                        }
                    }
                }
            }
        }
        Epilogue.apply(&out, bias: bias?.storage, activation: activation)
        return out
    }
}
