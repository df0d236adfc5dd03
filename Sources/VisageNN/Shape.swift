// Layout: NCHW.

/// Zero padding of the two spatial axes.
public struct ZeroPad2D: Layer {
    /// The padding added around each plane.
    public var padding: Padding

    /// Creates the layer.
    public init(_ padding: Padding) { self.padding = padding }

    /// [N, C, H + top + bottom, W + left + right].
    public func outputShape(for input: [Int]) -> [Int] {
        [input[0], input[1], input[2] + padding.top + padding.bottom,
         input[3] + padding.left + padding.right]
    }

    /// Pads every plane with zeros.
    public func forward(_ x: Tensor) -> Tensor {
        let s = outputShape(for: x.shape)
        let (h, w, ho, wo) = (x.h, x.w, s[2], s[3])
        var out = Tensor(shape: s)
        x.storage.withUnsafeBufferPointer { xp in
            out.storage.withUnsafeMutableBufferPointer { op in
                for plane in 0..<(x.n * x.c) {
                    for y in 0..<h {
                        let dst = op.baseAddress! + plane * ho * wo + (y + padding.top) * wo + padding.left
                        dst.update(from: xp.baseAddress! + plane * h * w + y * w, count: w)
                    }
                }
            }
        }
        return out
    }
}

/// Flattens every sample to a vector: [N, ...] → [N, F].
public struct Flatten: Layer {
    /// Creates the layer.
    public init() {}

    /// [N, product of the rest].
    public func outputShape(for input: [Int]) -> [Int] { [input[0], input.dropFirst().reduce(1, *)] }

    /// Reshapes without copying element order (C, H, W order for NCHW).
    public func forward(_ x: Tensor) -> Tensor { x.reshaped(outputShape(for: x.shape)) }
}

/// Runs several branches on the same input and concatenates their outputs along channels.
///
/// Every branch must produce the same N, H and W.
public struct Branches: Layer {
    /// The branches, in concatenation order.
    public var branches: [any Layer]

    /// Creates the layer.
    public init(_ branches: [any Layer]) { self.branches = branches }

    /// Channels add up.
    public func outputShape(for input: [Int]) -> [Int] {
        let shapes = branches.map { $0.outputShape(for: input) }
        var s = shapes[0]
        s[1] = shapes.reduce(0) { $0 + $1[1] }
        return s
    }

    /// The sum over the branches.
    public func multiplyAdds(for input: [Int]) -> Int {
        branches.reduce(0) { $0 + $1.multiplyAdds(for: input) }
    }

    /// The sum over the branches.
    public var parameterCount: Int { branches.reduce(0) { $0 + $1.parameterCount } }

    /// Runs each branch and concatenates.
    public func forward(_ x: Tensor) -> Tensor {
        Branches.concatenateChannels(branches.map { $0.forward(x) })
    }

    /// Concatenates NCHW tensors along the channel axis.
    public static func concatenateChannels(_ parts: [Tensor]) -> Tensor {
        let n = parts[0].n, h = parts[0].h, w = parts[0].w
        for p in parts {
            precondition(p.n == n && p.h == h && p.w == w,
                         "cannot concatenate \(p.shape) with \(parts[0].shape)")
        }
        let total = parts.reduce(0) { $0 + $1.c }
        var out = Tensor(shape: [n, total, h, w])
        let plane = h * w
        out.storage.withUnsafeMutableBufferPointer { op in
            for s in 0..<n {
                var offset = s * total * plane
                for p in parts {
                    let len = p.c * plane
                    p.storage.withUnsafeBufferPointer { pp in
                        (op.baseAddress! + offset).update(from: pp.baseAddress! + s * len, count: len)
                    }
                    offset += len
                }
            }
        }
        return out
    }
}

/// `y = x / sqrt(max(Σ x², epsilon))` for every sample (Keras `l2_normalize`).
public struct L2Normalize: Layer {
    /// The floor under the squared norm.
    public var epsilon: Float

    /// Creates the layer.
    public init(epsilon: Float = 1e-12) { self.epsilon = epsilon }

    /// Normalises each sample.
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        let n = x.shape[0], f = x.count / max(n, 1)
        y.storage.withUnsafeMutableBufferPointer { p in
            for s in 0..<n {
                var sum: Float = 0
                for j in 0..<f { sum += p[s * f + j] * p[s * f + j] }
                let inv = 1 / max(sum, epsilon).squareRoot()
                for j in 0..<f { p[s * f + j] *= inv }
            }
        }
        return y
    }
}
