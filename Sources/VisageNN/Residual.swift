// Layout: NCHW. When the two operands differ in shape the sum has the larger extent on every
// axis and each operand contributes only where its index is in range (top-left aligned), as
// dlib's add_prev does.

/// `activation(shortcut(x) + scale · body(x))`: ResNet and Inception-ResNet blocks.
public struct Residual: Layer {
    /// The residual branch.
    public var body: any Layer
    /// The shortcut; `nil` is the identity.
    public var shortcut: (any Layer)?
    /// The multiplier of the residual branch (Inception-ResNet uses 0.1–0.2).
    public var scale: Float
    /// The activation after the sum.
    public var activation: Activation

    /// Creates the block.
    public init(body: any Layer, shortcut: (any Layer)? = nil, scale: Float = 1,
                activation: Activation = .relu) {
        self.body = body
        self.shortcut = shortcut
        self.scale = scale
        self.activation = activation
    }

    /// The element-wise larger of the two branch shapes.
    public func outputShape(for input: [Int]) -> [Int] {
        let a = body.outputShape(for: input)
        let b = shortcut?.outputShape(for: input) ?? input
        return zip(a, b).map { max($0, $1) }
    }

    /// The body's and shortcut's work.
    public func multiplyAdds(for input: [Int]) -> Int {
        body.multiplyAdds(for: input) + (shortcut?.multiplyAdds(for: input) ?? 0)
    }

    /// The body's and shortcut's parameters.
    public var parameterCount: Int { body.parameterCount + (shortcut?.parameterCount ?? 0) }

    /// Runs both branches and adds them.
    public func forward(_ x: Tensor) -> Tensor {
        let r = body.forward(x)
        let s = shortcut?.forward(x) ?? x
        var out = Residual.add(s, r, scale: scale)
        if activation == .relu {
            out.storage.withUnsafeMutableBufferPointer { p in
                for i in 0..<p.count { p[i] = max(p[i], 0) }
            }
        }
        return out
    }

    /// `a + scale · b`, top-left aligned when the shapes differ.
    public static func add(_ a: Tensor, _ b: Tensor, scale: Float = 1) -> Tensor {
        if a.shape == b.shape {
            var out = a
            out.storage.withUnsafeMutableBufferPointer { o in
                b.storage.withUnsafeBufferPointer { bp in
                    if scale == 1 {
                        for i in 0..<o.count { o[i] += bp[i] }
                    } else {
                        for i in 0..<o.count { o[i] += scale * bp[i] }
                    }
                }
            }
            return out
        }
        let shape = zip(a.shape, b.shape).map { max($0, $1) }
        var out = Tensor(shape: shape)
        accumulate(&out, a, 1)
        accumulate(&out, b, scale)
        return out
    }

    private static func accumulate(_ out: inout Tensor, _ t: Tensor, _ k: Float) {
        let (n, c, h, w) = (out.n, out.c, out.h, out.w)
        for s in 0..<min(n, t.n) {
            for ch in 0..<min(c, t.c) {
                for y in 0..<min(h, t.h) {
                    for x in 0..<min(w, t.w) {
                        out.storage[((s * c + ch) * h + y) * w + x] +=
                            k * t.storage[((s * t.c + ch) * t.h + y) * t.w + x]
                    }
                }
            }
        }
    }
}

// MARK: - Training

extension Residual {
    /// A residual block under training. With `d` the output gradient masked by the activation,
    /// the shortcut gets `d` and the body `scale · d`, each cut to its own shape (the
    /// top-left-aligned rule run backwards); their input gradients add up.
    public final class Trainable: TrainableLayer {
        /// The residual branch.
        public let body: any TrainableLayer
        /// The shortcut; `nil` is the identity.
        public let shortcut: (any TrainableLayer)?
        /// The multiplier of the residual branch.
        public let scale: Float
        /// The activation after the sum.
        public let activation: Activation
        private var cache: (output: Tensor, body: [Int], shortcut: [Int])?

        /// Creates the block.
        public init(body: any TrainableLayer, shortcut: (any TrainableLayer)? = nil, scale: Float = 1,
                    activation: Activation = .relu) {
            self.body = body
            self.shortcut = shortcut
            self.scale = scale
            self.activation = activation
        }

        /// The body's parameters, then the shortcut's.
        public var parameters: [Parameter] { body.parameters + (shortcut?.parameters ?? []) }

        /// ``Residual`` of the branches' inference layers.
        public func inferenceLayer() -> any Layer {
            Residual(body: body.inferenceLayer(), shortcut: shortcut?.inferenceLayer(), scale: scale, activation: activation)
        }

        /// Runs both branches and adds them; in training mode keeps the output and both shapes.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            let r = body.forward(x, mode: mode)
            let s = shortcut?.forward(x, mode: mode) ?? x
            var out = Residual.add(s, r, scale: scale)
            if activation == .relu {
                out.storage.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = max(p[i], 0) } }
            }
            cache = mode == .training ? (out, r.shape, s.shape) : nil
            return out
        }

        /// Sends the gradient down both branches.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let cached = cache else { missingForward("Residual") }
            cache = nil
            precondition(dy.shape == cached.output.shape, "residual gradient \(dy.shape) for \(cached.output.shape)")
            var d = dy
            if activation == .relu {
                d.storage.withUnsafeMutableBufferPointer { g in
                    cached.output.storage.withUnsafeBufferPointer { y in for i in 0..<g.count where y[i] <= 0 { g[i] = 0 } }
                }
            }
            var dr = Trainable.cut(d, to: cached.body)
            if scale != 1 {
                dr.storage.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= scale } }
            }
            var dx = body.backward(dr)
            let ds = Trainable.cut(d, to: cached.shortcut)
            let fromShortcut = shortcut?.backward(ds) ?? ds
            precondition(dx.shape == fromShortcut.shape, "residual input gradients \(dx.shape) and \(fromShortcut.shape)")
            dx.add(fromShortcut)
            return dx
        }

        /// The top-left block of `t` with the given (smaller or equal) NCHW shape.
        static func cut(_ t: Tensor, to shape: [Int]) -> Tensor {
            if t.shape == shape { return t }
            var out = Tensor(shape: shape)
            let (c, h, w) = (shape[1], shape[2], shape[3])
            for s in 0..<shape[0] {
                for ch in 0..<c {
                    for y in 0..<h {
                        for x in 0..<w {
                            out.storage[((s * c + ch) * h + y) * w + x] = t.storage[((s * t.c + ch) * t.h + y) * t.w + x]
                        }
                    }
                }
            }
            return out
        }
    }
}
