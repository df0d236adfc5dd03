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
