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

    /// Pads every plane with zeros (planes in parallel; each output element written once).
    public func forward(_ x: Tensor) -> Tensor {
        let s = outputShape(for: x.shape)
        let (h, w, ho, wo) = (x.h, x.w, s[2], s[3])
        let (top, left, right) = (padding.top, padding.left, padding.right)
        precondition(min(top, left, right, padding.bottom) >= 0, "zero padding must not be negative, got \(padding)")
        var out = Tensor(uninitializedShape: s)
        x.storage.withUnsafeBufferPointer { xp in
            out.storage.withUnsafeMutableBufferPointer { op in
                let (xb, ob) = (UInt(bitPattern: xp.baseAddress!), UInt(bitPattern: op.baseAddress!))
                Backend.parallelFor(x.n * x.c, elements: op.count) { plane in
                    let src = UnsafePointer<Float>(bitPattern: xb)! + plane * h * w
                    let dst = UnsafeMutablePointer<Float>(bitPattern: ob)! + plane * ho * wo
                    dst.update(repeating: 0, count: top * wo)
                    for y in 0..<h {
                        let row = dst + (y + top) * wo
                        row.update(repeating: 0, count: left)
                        (row + left).update(from: src + y * w, count: w)
                        (row + left + w).update(repeating: 0, count: right)
                    }
                    (dst + (top + h) * wo).update(repeating: 0, count: (ho - top - h) * wo)
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
        var out = Tensor(uninitializedShape: [n, total, h, w])  // the parts fill it
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

// MARK: - Training

extension ZeroPad2D {
    /// Zero padding under training: the gradient is the output gradient without its border.
    public final class Trainable: TrainableLayer {
        /// The padding.
        public let padding: Padding
        private var inputShape: [Int]?

        /// Creates the layer.
        public init(_ padding: Padding) { self.padding = padding }

        /// ``ZeroPad2D``.
        public func inferenceLayer() -> any Layer { ZeroPad2D(padding) }

        /// Pads; in training mode keeps the input shape.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            inputShape = mode == .training ? x.shape : nil
            return ZeroPad2D(padding).forward(x)
        }

        /// Crops the border off the gradient.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let shape = inputShape else { missingForward("ZeroPad2D") }
            inputShape = nil
            let (h, w) = (shape[2], shape[3])
            let (ho, wo) = (dy.h, dy.w)
            precondition(dy.shape == ZeroPad2D(padding).outputShape(for: shape), "pad gradient \(dy.shape) for input \(shape)")
            var dx = Tensor(uninitializedShape: shape)  // every row is copied below
            let (top, left) = (padding.top, padding.left)
            dy.storage.withUnsafeBufferPointer { dp in
                dx.storage.withUnsafeMutableBufferPointer { xp in
                    let (db, xb) = (UInt(bitPattern: dp.baseAddress!), UInt(bitPattern: xp.baseAddress!))
                    Backend.parallelFor(shape[0]) { s in
                        let src = UnsafePointer<Float>(bitPattern: db)!, dst = UnsafeMutablePointer<Float>(bitPattern: xb)!
                        for plane in (s * shape[1])..<((s + 1) * shape[1]) {
                            for y in 0..<h {
                                (dst + plane * h * w + y * w).update(from: src + plane * ho * wo + (y + top) * wo + left, count: w)
                            }
                        }
                    }
                }
            }
            return dx
        }
    }
}

extension Flatten {
    /// Flattening under training: the gradient takes the input's shape back.
    public final class Trainable: TrainableLayer {
        private var inputShape: [Int]?

        /// Creates the layer.
        public init() {}

        /// ``Flatten``.
        public func inferenceLayer() -> any Layer { Flatten() }

        /// Flattens; in training mode keeps the input shape.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            inputShape = mode == .training ? x.shape : nil
            return Flatten().forward(x)
        }

        /// Reshapes the gradient.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let shape = inputShape else { missingForward("Flatten") }
            inputShape = nil
            return dy.reshaped(shape)
        }
    }
}

extension Branches {
    /// Branches under training: the output gradient is split along channels, each part goes
    /// back through its branch, and the input gradients add up.
    public final class Trainable: TrainableLayer {
        /// The branches, in concatenation order.
        public let branches: [any TrainableLayer]
        private var channels: [Int]?

        /// Creates the layer.
        public init(_ branches: [any TrainableLayer]) { self.branches = branches }

        /// Every branch's parameters, in branch order.
        public var parameters: [Parameter] { branches.flatMap(\.parameters) }

        /// ``Branches`` of the branches' inference layers.
        public func inferenceLayer() -> any Layer { Branches(branches.map { $0.inferenceLayer() }) }

        /// Runs every branch and concatenates; in training mode keeps each branch's channel count.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            let outs = branches.map { $0.forward(x, mode: mode) }
            channels = mode == .training ? outs.map(\.c) : nil
            return Branches.concatenateChannels(outs)
        }

        /// Splits the gradient and sums the branches' input gradients.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let channels else { missingForward("Branches") }
            self.channels = nil
            let (n, total, plane) = (dy.n, dy.c, dy.h * dy.w)
            precondition(total == channels.reduce(0, +), "branches gradient \(dy.shape) for \(channels) channels")
            var dx: Tensor?
            var offset = 0
            for (branch, c) in zip(branches, channels) {
                var part = Tensor(uninitializedShape: [n, c, dy.h, dy.w])  // copied whole below
                let start = offset
                dy.storage.withUnsafeBufferPointer { dp in
                    part.storage.withUnsafeMutableBufferPointer { pp in
                        let (db, pb) = (UInt(bitPattern: dp.baseAddress!), UInt(bitPattern: pp.baseAddress!))
                        Backend.parallelFor(n) { s in
                            (UnsafeMutablePointer<Float>(bitPattern: pb)! + s * c * plane).update(
                                from: UnsafePointer<Float>(bitPattern: db)! + (s * total + start) * plane, count: c * plane)
                        }
                    }
                }
                offset += c
                let g = branch.backward(part)
                if dx == nil {
                    dx = g
                } else {
                    dx!.add(g)
                }
            }
            return dx ?? Tensor(shape: [0])
        }
    }
}

extension L2Normalize {
    /// L2 normalisation under training, with `r = √max(Σx², ε)` and `y = x / r`:
    /// `dx = (dy − y·(y·dy)) / r` when `Σx² > ε`, else `dx = dy / r`.
    public final class Trainable: TrainableLayer {
        /// The floor under the squared norm.
        public let epsilon: Float
        private var cache: (x: Tensor, y: Tensor)?

        /// Creates the layer.
        public init(epsilon: Float = 1e-12) { self.epsilon = epsilon }

        /// ``L2Normalize``.
        public func inferenceLayer() -> any Layer { L2Normalize(epsilon: epsilon) }

        /// Normalises each sample; in training mode keeps input and output.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            let y = L2Normalize(epsilon: epsilon).forward(x)
            cache = mode == .training ? (x, y) : nil
            return y
        }

        /// Projects the gradient onto the sphere's tangent plane and scales by 1 / r.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let cached = cache else { missingForward("L2Normalize") }
            cache = nil
            let (x, y) = cached
            precondition(dy.shape == y.shape, "L2 normalise gradient \(dy.shape) for \(y.shape)")
            let n = x.shape[0], f = x.count / max(n, 1)
            var dx = dy
            for s in 0..<n {
                var sum: Float = 0, dot: Float = 0
                for j in 0..<f {
                    sum += x.storage[s * f + j] * x.storage[s * f + j]
                    dot += y.storage[s * f + j] * dy.storage[s * f + j]
                }
                let inv = 1 / max(sum, epsilon).squareRoot()
                let project: Float = sum > epsilon ? 1 : 0
                for j in 0..<f {
                    dx.storage[s * f + j] = (dy.storage[s * f + j] - project * y.storage[s * f + j] * dot) * inv
                }
            }
            return dx
        }
    }
}
