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
