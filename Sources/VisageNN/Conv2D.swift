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
    public func forward(_ x: Tensor) -> Tensor { forward(x, scratch: nil) }

    /// Runs the convolution with its column matrix taken from `scratch` (a layer that runs again
    /// and again keeps writing into memory it has touched) or, when `nil`, freshly allocated.
    func forward(_ x: Tensor, scratch: BufferPool?) -> Tensor {
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
                    // Every element is written by Im2Col.fill, so the buffer need not be zeroed.
                    Scratch.with(k * chunk * p, from: scratch) { cp in
                        var s0 = 0
                        while s0 < n {
                            let nb = min(chunk, n - s0)
                            Im2Col.fill(cp, from: xb + s0 * inChannels * h * w,
                                        samples: nb, channels: inChannels, h: h, w: w,
                                        kh: kh, kw: kw, sy: stride.y, sx: stride.x, pad: g.pad,
                                        ho: g.ho, wo: g.wo)
                            Conv2D.gemmSamples(wb, co: co, k: k, p: p, samples: nb, columns: cp,
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

// MARK: - Training

extension Conv2D {
    /// A convolution under training. Stride-1 3 × 3 layers with enough channels and tiles run
    /// forward, and back to their input, on the batched Winograd kernel (``TrainingWinograd``);
    /// the rest run ``Conv2D/forward(_:)``. The filter gradient, and the input gradient of the
    /// other layers, lower to sgemms per chunk of samples on the im2col columns:
    ///   dW[O, K] += dY[O, n·P] · colᵀ,   dcol[K, n·P] = Wᵀ · dY,   dX = col2im(dcol);
    ///   db[o] += Σ dY[o, ·].
    /// ∂loss/∂y is copied once into channel-major rows, which serve both the filter gradient and
    /// the Winograd input gradient. Working buffers come from a ``BufferPool`` (one per network),
    /// so steps after the first write into memory they have touched.
    public final class Trainable: TrainableLayer {
        /// The filters [O, I, KH, KW].
        public let weight: Parameter
        /// The bias [O], or `nil`.
        public let bias: Parameter?
        /// Vertical and horizontal stride.
        public let stride: (y: Int, x: Int)
        /// How the input is padded.
        public let padding: PaddingMode
        /// Whether backward computes ∂loss/∂input (off for a network's first layer, whose input
        /// gradient nobody uses: backward then returns zeros).
        public var computesInputGradient = true
        /// Whether stride-1 3 × 3 layers may take the Winograd kernel (on by default; off runs
        /// every layer through im2col and sgemm, as a reference for tests).
        public var usesWinograd = true
        private var input: Tensor?
        private let scratch: BufferPool

        /// Starts training from a convolution's current values.
        /// - Parameters:
        ///   - conv: the convolution; its activation must be `.identity` (train ReLU as its own layer).
        ///   - weightKey: the checkpoint key of the filters.
        ///   - biasKey: the checkpoint key of the bias (used when `conv` has one).
        ///   - scratch: where working buffers come from; the layers of one network share one pool
        ///     (they run one after the other), a layer on its own gets its own.
        public init(_ conv: Conv2D, weightKey: String, biasKey: String = "", scratch: BufferPool = BufferPool()) {
            self.scratch = scratch
            precondition(conv.activation == .identity, "train the activation as its own layer")
            weight = Parameter(key: weightKey, value: conv.weight)
            bias = conv.bias.map { Parameter(key: biasKey, value: $0, role: .bias) }
            stride = conv.stride
            padding = conv.padding
        }

        /// The filters, then the bias if there is one.
        public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

        /// The convolution with the current values.
        public func inferenceLayer() -> any Layer { current }

        private var current: Conv2D {
            Conv2D(weight: weight.value, bias: bias?.value, stride: stride, padding: padding)
        }

        /// Runs the convolution; in training mode keeps the input.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            input = mode == .training ? x : nil
            let conv = current
            precondition(x.rank == 4 && x.c == conv.inChannels,
                         "conv expects [N, \(conv.inChannels), H, W], got \(x.shape)")
            if usesWinograd {
                let g = conv.geometry(x.shape)
                if let y = TrainingWinograd.forward(conv, x, pad: g.pad, ho: g.ho, wo: g.wo, pool: scratch) { return y }
            }
            return conv.forward(x, scratch: scratch)
        }

        /// Adds ∂loss/∂W and ∂loss/∂b; returns ∂loss/∂x.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let x = input else { missingForward("Conv2D") }
            input = nil
            let conv = current
            let g = conv.geometry(x.shape)
            let (n, ci, h, w) = (x.n, x.c, x.h, x.w)
            let (kh, kw) = conv.kernel
            let co = conv.outChannels, p = g.ho * g.wo, k = ci * kh * kw
            precondition(dy.shape == [n, co, g.ho, g.wo], "conv gradient \(dy.shape) for output \([n, co, g.ho, g.wo])")
            guard n > 0, p > 0 else { return Tensor(shape: x.shape) }
            // ∂loss/∂y channel-major, [O, N·P]: the left factor of the filter gradient for every
            // chunk, and the Winograd kernel's input for the input gradient.
            let dyRows = ChannelMajor.from(dy, pool: scratch)
            let rowLength = n * p
            if let bias {
                for o in 0..<co { bias.gradient.storage[o] += Reduce.sum(dyRows.base + o * rowLength, rowLength) }
            }
            let winograd = computesInputGradient && usesWinograd
                ? TrainingWinograd.inputGradient(conv, dyRows, inputShape: x.shape, pad: g.pad, pool: scratch) : nil
            let col2im = computesInputGradient && winograd == nil
            // The filter gradient by Winograd's algorithm when the layer qualifies; the im2col
            // columns are then needed for nothing else.
            let filterDone = usesWinograd && weight.gradient.storage.withUnsafeMutableBufferPointer { gw in
                TrainingWinograd.filterGradient(conv, x, dy: dyRows, pad: g.pad, ho: g.ho, wo: g.wo,
                                                into: gw.baseAddress!, pool: scratch)
            }
            if filterDone && !col2im { return winograd ?? Tensor(shape: x.shape) }
            // A 1×1 stride-1 unpadded layer's columns are its input: dcol is ∂loss/∂x itself,
            // channel-major, and is copied into place instead of added onto zeros.
            let pointwise = col2im && kh == 1 && kw == 1 && stride == (1, 1) && g.pad == .zero
            var dx = winograd ?? (pointwise ? Tensor(uninitializedShape: x.shape) : Tensor(shape: x.shape))
            let chunk = max(1, min(n, (1 << 24) / max(k * p, 1)))
            let cp = scratch.allocate(filterDone ? 1 : k * chunk * p)
            let dc = scratch.allocate(col2im ? k * chunk * p : 1)
            defer {
                scratch.release(cp)
                scratch.release(dc)
            }
            let (stride, computes, yc) = (self.stride, col2im, dyRows.base)
            withExtendedLifetime(dyRows) {
            x.storage.withUnsafeBufferPointer { xp in
            weight.value.storage.withUnsafeBufferPointer { wp in
            weight.gradient.storage.withUnsafeMutableBufferPointer { gw in
            dx.storage.withUnsafeMutableBufferPointer { dxp in
                var s0 = 0
                while s0 < n {
                    let nb = min(chunk, n - s0), cols = nb * p
                    if !filterDone {
                        Im2Col.fill(cp, from: xp.baseAddress! + s0 * ci * h * w, samples: nb,
                                    channels: ci, h: h, w: w, kh: kh, kw: kw, sy: stride.y, sx: stride.x,
                                    pad: g.pad, ho: g.ho, wo: g.wo)
                        Gemm.sgemm(transB: true, m: co, n: k, k: cols, a: yc + s0 * p, lda: rowLength,
                                   b: cp, ldb: cols, beta: 1, c: gw.baseAddress!, ldc: k)
                    }
                    if computes {
                        Gemm.sgemm(transA: true, m: k, n: cols, k: co, a: wp.baseAddress!, lda: k,
                                   b: yc + s0 * p, ldb: rowLength, c: dc, ldc: cols)
                        if pointwise {
                            let (dst, src) = (UInt(bitPattern: dxp.baseAddress!), UInt(bitPattern: dc))
                            Backend.parallelFor(ci, elements: ci * cols) { c in
                                let d = UnsafeMutablePointer<Float>(bitPattern: dst)!, s = UnsafePointer<Float>(bitPattern: src)!
                                for i in 0..<nb { (d + ((s0 + i) * ci + c) * p).update(from: s + c * cols + i * p, count: p) }
                            }
                        } else {
                            Im2Col.accumulate(dxp.baseAddress! + s0 * ci * h * w, from: dc,
                                              samples: nb, channels: ci, h: h, w: w, kh: kh, kw: kw,
                                              sy: stride.y, sx: stride.x, pad: g.pad, ho: g.ho, wo: g.wo)
                        }
                    }
                    s0 += nb
                }
            } } } } }
            return dx
        }
    }
}
