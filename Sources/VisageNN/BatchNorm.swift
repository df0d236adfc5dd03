// Layout: NCHW (or N × C): statistics per channel C over the M = N·H·W values of the batch.
//   training:  μ = Σx / M,  σ² = Σ(x − μ)² / M,  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β,
//              running ← (1 − momentum) · running + momentum · batch (variance unbiased: σ²·M/(M−1))
//   inference: y = γ (x − running mean) / √(running variance + ε) + β  (a ChannelAffine)
//   backward:  dβ += Σ dy,  dγ += Σ dy·x̂,  dx = γ / (M √(σ² + ε)) · (M·dy − Σ dy − x̂ · Σ dy·x̂)

/// Batch normalisation under training: batch statistics in training mode, running statistics
/// in inference mode. Inference exports it as a ``ChannelAffine`` (which a preceding convolution
/// folds in).
public final class BatchNorm: TrainableLayer {
    /// γ, one per channel.
    public let gamma: Parameter
    /// β, one per channel.
    public let beta: Parameter
    /// The running mean.
    public let runningMean: Parameter
    /// The running (unbiased) variance.
    public let runningVariance: Parameter
    /// Added to the variance.
    public let epsilon: Float
    /// The weight of the current batch in the running statistics (PyTorch's convention).
    public let momentum: Float
    private var cache: (normalized: Tensor, inverseStd: [Float])?

    /// Creates a batch norm.
    /// - Parameters:
    ///   - channels: the number of channels.
    ///   - keys: checkpoint keys of γ, β, running mean and running variance.
    ///   - epsilon: added to the variance (Keras 1e-3, PyTorch 1e-5).
    ///   - momentum: the running statistics' update weight, default 0.1.
    public init(channels: Int, keys: (gamma: String, beta: String, mean: String, variance: String),
                epsilon: Float = 1e-5, momentum: Float = 0.1) {
        gamma = Parameter(key: keys.gamma, value: Tensor(shape: [channels], repeating: 1), role: .bias)
        beta = Parameter(key: keys.beta, value: Tensor(shape: [channels]), role: .bias)
        runningMean = Parameter(key: keys.mean, value: Tensor(shape: [channels]), role: .statistic)
        runningVariance = Parameter(key: keys.variance, value: Tensor(shape: [channels], repeating: 1), role: .statistic)
        self.epsilon = epsilon
        self.momentum = momentum
    }

    /// γ, β, running mean, running variance.
    public var parameters: [Parameter] { [gamma, beta, runningMean, runningVariance] }

    /// The inference-mode map as a ``ChannelAffine``.
    public func inferenceLayer() -> any Layer {
        ChannelAffine.batchNorm(gamma: gamma.value.storage, beta: beta.value.storage,
                                mean: runningMean.value.storage, variance: runningVariance.value.storage,
                                epsilon: epsilon)
    }

    /// Normalises with batch statistics (training) or running statistics (inference).
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let c = gamma.value.count
        precondition(x.rank >= 2 && x.shape[1] == c, "batch norm for \(c) channels got \(x.shape)")
        guard mode == .training else {
            cache = nil
            return inferenceLayer().forward(x)
        }
        let n = x.shape[0], plane = x.count / max(n * c, 1), m = n * plane
        var xhat = x
        var inverseStd = [Float](repeating: 0, count: c)
        var mean = [Float](repeating: 0, count: c), variance = mean
        xhat.storage.withUnsafeMutableBufferPointer { buf in
            let bits = UInt(bitPattern: buf.baseAddress!)
            mean.withUnsafeMutableBufferPointer { mp in
            variance.withUnsafeMutableBufferPointer { vp in
            inverseStd.withUnsafeMutableBufferPointer { ip in
                let (mb, vb, ib) = (UInt(bitPattern: mp.baseAddress!), UInt(bitPattern: vp.baseAddress!),
                                    UInt(bitPattern: ip.baseAddress!))
                Backend.parallelFor(c) { ch in
                    let p = UnsafeMutablePointer<Float>(bitPattern: bits)!
                    var sum = 0.0
                    for s in 0..<n { let q = p + (s * c + ch) * plane; for j in 0..<plane { sum += Double(q[j]) } }
                    let mu = Float(sum / Double(max(m, 1)))
                    var sq = 0.0
                    for s in 0..<n {
                        let q = p + (s * c + ch) * plane
                        for j in 0..<plane { let d = q[j] - mu; sq += Double(d * d) }
                    }
                    let v = Float(sq / Double(max(m, 1)))
                    let inv = 1 / (v + epsilon).squareRoot()
                    for s in 0..<n { let q = p + (s * c + ch) * plane; for j in 0..<plane { q[j] = (q[j] - mu) * inv } }
                    UnsafeMutablePointer<Float>(bitPattern: mb)![ch] = mu
                    UnsafeMutablePointer<Float>(bitPattern: vb)![ch] = v
                    UnsafeMutablePointer<Float>(bitPattern: ib)![ch] = inv
                }
            } } }
        }
        let unbias = m > 1 ? Float(m) / Float(m - 1) : 1
        for ch in 0..<c {
            runningMean.value.storage[ch] += momentum * (mean[ch] - runningMean.value.storage[ch])
            runningVariance.value.storage[ch] += momentum * (variance[ch] * unbias - runningVariance.value.storage[ch])
        }
        cache = (xhat, inverseStd)
        return ChannelAffine(scale: gamma.value.storage, shift: beta.value.storage).forward(xhat)
    }

    /// Adds ∂loss/∂γ and ∂loss/∂β; returns ∂loss/∂x.
    public func backward(_ dy: Tensor) -> Tensor {
        guard let cached = cache else { missingForward("BatchNorm") }
        cache = nil
        let (xhat, inverseStd) = cached
        precondition(dy.shape == xhat.shape, "batch norm gradient \(dy.shape) for \(xhat.shape)")
        let c = gamma.value.count, n = dy.shape[0], plane = dy.count / max(n * c, 1), m = Float(n * plane)
        var dx = dy
        var dGamma = [Float](repeating: 0, count: c), dBeta = dGamma
        let g = gamma.value.storage
        dx.storage.withUnsafeMutableBufferPointer { buf in
        xhat.storage.withUnsafeBufferPointer { xp in
        dGamma.withUnsafeMutableBufferPointer { gp in
        dBeta.withUnsafeMutableBufferPointer { bp in
            let bits = UInt(bitPattern: buf.baseAddress!), xb = UInt(bitPattern: xp.baseAddress!)
            let (gb, bb) = (UInt(bitPattern: gp.baseAddress!), UInt(bitPattern: bp.baseAddress!))
            Backend.parallelFor(c) { ch in
                let d = UnsafeMutablePointer<Float>(bitPattern: bits)!
                let xh = UnsafePointer<Float>(bitPattern: xb)!
                var sumDy: Float = 0, sumDyX: Float = 0
                for s in 0..<n {
                    let o = (s * c + ch) * plane
                    for j in 0..<plane { sumDy += d[o + j]; sumDyX += d[o + j] * xh[o + j] }
                }
                let k = g[ch] * inverseStd[ch] / m
                for s in 0..<n {
                    let o = (s * c + ch) * plane
                    for j in 0..<plane { d[o + j] = k * (m * d[o + j] - sumDy - xh[o + j] * sumDyX) }
                }
                UnsafeMutablePointer<Float>(bitPattern: gb)![ch] = sumDyX
                UnsafeMutablePointer<Float>(bitPattern: bb)![ch] = sumDy
            }
        } } } }
        for ch in 0..<c {
            gamma.gradient.storage[ch] += dGamma[ch]
            beta.gradient.storage[ch] += dBeta[ch]
        }
        return dx
    }
}
