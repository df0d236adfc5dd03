// Layout: input [N, I] (any [N, ...] is flattened); weight [O, I]; output [N, O].

/// A fully connected layer: `y = W x + b`.
public struct Dense: Layer {
    /// The weights, [O, I].
    public var weight: Tensor
    /// One bias per output, or `nil`.
    public var bias: Tensor?

    /// Creates the layer.
    /// - Parameters:
    ///   - weight: [O, I].
    ///   - bias: [O] or `nil`.
    public init(weight: Tensor, bias: Tensor? = nil) {
        precondition(weight.rank == 2, "dense weight must be [O, I], got \(weight.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// [N, O].
    public func outputShape(for input: [Int]) -> [Int] { [input[0], weight.shape[0]] }

    /// O · I.
    public func multiplyAdds(for input: [Int]) -> Int { weight.count }

    /// Weights and bias.
    public var parameterCount: Int { weight.count + (bias?.count ?? 0) }

    /// Computes `x Wᵀ + b` with one sgemm.
    public func forward(_ x: Tensor) -> Tensor {
        let n = x.shape[0], i = weight.shape[1], o = weight.shape[0]
        precondition(x.count == n * i, "dense expects \(i) features, got \(x.shape)")
        var out = Tensor(shape: [n, o])
        if let b = bias {
            for s in 0..<n { for j in 0..<o { out.storage[s * o + j] = b.storage[j] } }
        }
        x.storage.withUnsafeBufferPointer { xp in
            weight.storage.withUnsafeBufferPointer { wp in
                out.storage.withUnsafeMutableBufferPointer { op in
                    Gemm.sgemm(transB: true, m: n, n: o, k: i, a: xp.baseAddress!, lda: i,
                               b: wp.baseAddress!, ldb: i, beta: bias == nil ? 0 : 1,
                               c: op.baseAddress!, ldc: o)
                }
            }
        }
        return out
    }
}

// MARK: - Training

extension Dense {
    /// A fully connected layer under training, with `X` the input as [N, I]:
    /// dW[O, I] += dYᵀ · X,  db += Σₙ dY,  dX = dY · W.
    public final class Trainable: TrainableLayer {
        /// The weights [O, I].
        public let weight: Parameter
        /// The bias [O], or `nil`.
        public let bias: Parameter?
        private var input: Tensor?

        /// Starts training from a dense layer's current values.
        /// - Parameters:
        ///   - dense: the layer.
        ///   - weightKey: the checkpoint key of the weights.
        ///   - biasKey: the checkpoint key of the bias (used when `dense` has one).
        public init(_ dense: Dense, weightKey: String, biasKey: String = "") {
            weight = Parameter(key: weightKey, value: dense.weight)
            bias = dense.bias.map { Parameter(key: biasKey, value: $0, role: .bias) }
        }

        /// The weights, then the bias if there is one.
        public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

        /// The dense layer with the current values.
        public func inferenceLayer() -> any Layer { Dense(weight: weight.value, bias: bias?.value) }

        /// Runs ``Dense/forward(_:)``; in training mode keeps the input.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            input = mode == .training ? x : nil
            return inferenceLayer().forward(x)
        }

        /// Adds ∂loss/∂W and ∂loss/∂b; returns ∂loss/∂x in the input's shape.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let x = input else { missingForward("Dense") }
            input = nil
            let (o, i) = (weight.value.shape[0], weight.value.shape[1])
            let n = x.shape[0]
            precondition(dy.shape == [n, o], "dense gradient \(dy.shape) for output \([n, o])")
            if let bias {
                for s in 0..<n { for j in 0..<o { bias.gradient.storage[j] += dy.storage[s * o + j] } }
            }
            var dx = Tensor(shape: x.shape)
            x.storage.withUnsafeBufferPointer { xp in
            dy.storage.withUnsafeBufferPointer { dp in
            weight.value.storage.withUnsafeBufferPointer { wp in
            weight.gradient.storage.withUnsafeMutableBufferPointer { gp in
            dx.storage.withUnsafeMutableBufferPointer { xg in
                Gemm.sgemm(transA: true, m: o, n: i, k: n, a: dp.baseAddress!, lda: o, b: xp.baseAddress!, ldb: i,
                           beta: 1, c: gp.baseAddress!, ldc: i)
                Gemm.sgemm(m: n, n: i, k: o, a: dp.baseAddress!, lda: o, b: wp.baseAddress!, ldb: i,
                           c: xg.baseAddress!, ldc: i)
            } } } } }
            return dx
        }
    }
}
