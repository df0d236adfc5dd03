// Layout: NCHW (or N × C): statistics per channel C over the M = N·H·W values of the batch.
//   training:  μ = Σx / M,  σ² = Σ(x − μ)² / M,  x̂ = (x − μ) / √(σ² + ε),  y = γ x̂ + β,
//              running ← (1 − momentum) · running + momentum · batch (variance unbiased: σ²·M/(M−1))
//   inference: y = γ (x − running mean) / √(running variance + ε) + β  (a ChannelAffine)
//   backward:  dβ += Σ dy,  dγ += Σ dy·x̂,  dx = γ / (M √(σ² + ε)) · (M·dy − Σ dy − x̂ · Σ dy·x̂)
// With a fused ReLU, y = max(γ x̂ + β, 0) and dy is first zeroed where γ x̂ + β ≤ 0. The cache is
// the input x (x̂ and the ReLU mask are recomputed), so no extra activation-sized buffer is kept.

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
    /// The activation fused after the normalisation.
    public let activation: Activation
    private var cache: (input: Tensor, mean: [Float], inverseStd: [Float])?

    /// Creates a batch norm.
    /// - Parameters:
    ///   - channels: the number of channels.
    ///   - keys: checkpoint keys of γ, β, running mean and running variance.
    ///   - epsilon: added to the variance (Keras 1e-3, PyTorch 1e-5).
    ///   - momentum: the running statistics' update weight, default 0.1.
    ///   - activation: an activation fused after the normalisation (saves a pass and a buffer).
    public init(channels: Int, keys: (gamma: String, beta: String, mean: String, variance: String),
                epsilon: Float = 1e-5, momentum: Float = 0.1, activation: Activation = .identity) {
        gamma = Parameter(key: keys.gamma, value: Tensor(shape: [channels], repeating: 1), role: .bias)
        beta = Parameter(key: keys.beta, value: Tensor(shape: [channels]), role: .bias)
        runningMean = Parameter(key: keys.mean, value: Tensor(shape: [channels]), role: .statistic)
        runningVariance = Parameter(key: keys.variance, value: Tensor(shape: [channels], repeating: 1), role: .statistic)
        self.epsilon = epsilon
        self.momentum = momentum
        self.activation = activation
    }

    /// γ, β, running mean, running variance.
    public var parameters: [Parameter] { [gamma, beta, runningMean, runningVariance] }

    /// The inference-mode map as a ``ChannelAffine`` (with the fused activation).
    public func inferenceLayer() -> any Layer {
        let affine = ChannelAffine.batchNorm(gamma: gamma.value.storage, beta: beta.value.storage,
                                             mean: runningMean.value.storage, variance: runningVariance.value.storage,
                                             epsilon: epsilon)
        return ChannelAffine(scale: affine.scale, shift: affine.shift, activation: activation)
    }

    /// Normalises with batch statistics (training) or running statistics (inference).
    public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
        let c = gamma.value.count
        precondition(x.rank >= 2 && x.shape[1] == c, "batch norm for \(c) channels got \(x.shape)")
        guard mode == .training else {
            cache = nil
            return inferenceLayer().forward(x)
        }
        let n = x.shape[0], plane = x.count / max(n * c, 1), m = max(n * plane, 1)
        var y = Tensor(uninitializedShape: x.shape)  // every element is written below
        var mean = [Float](repeating: 0, count: c), variance = mean
        let (g, b) = (gamma.value.storage, beta.value.storage)
        x.storage.withUnsafeBufferPointer { xp in
        y.storage.withUnsafeMutableBufferPointer { yp in
        mean.withUnsafeMutableBufferPointer { mp in
        variance.withUnsafeMutableBufferPointer { vp in
            let (xb, yb) = (UInt(bitPattern: xp.baseAddress!), UInt(bitPattern: yp.baseAddress!))
            let (mb, vb) = (UInt(bitPattern: mp.baseAddress!), UInt(bitPattern: vp.baseAddress!))
            let epsilon = self.epsilon, relu = activation == .relu
            Backend.parallelFor(c) { ch in
                let src = UnsafePointer<Float>(bitPattern: xb)!, dst = UnsafeMutablePointer<Float>(bitPattern: yb)!
                // Mean and variance from one read: moments about the channel's first value (near
                // the mean, so no cancellation), summed over samples in double precision.
                let origin = src[ch * plane]
                var (sum, squares) = (0.0, 0.0)
                for s in 0..<n {
                    let part = Reduce.shiftedMoments(src + (s * c + ch) * plane, plane, shift: origin)
                    sum += Double(part.sum)
                    squares += Double(part.squares)
                }
                let offset = sum / Double(m)
                let mu = origin + Float(offset)
                let v = Float(max(squares / Double(m) - offset * offset, 0))
                let scale = g[ch] / (v + epsilon).squareRoot(), shift = b[ch] - mu * scale
                for s in 0..<n {
                    let o = (s * c + ch) * plane
                    if relu {
                        for j in 0..<plane { dst[o + j] = max(scale * src[o + j] + shift, 0) }
                    } else {
                        for j in 0..<plane { dst[o + j] = scale * src[o + j] + shift }
                    }
                }
                UnsafeMutablePointer<Float>(bitPattern: mb)![ch] = mu
                UnsafeMutablePointer<Float>(bitPattern: vb)![ch] = v
            }
        } } } }
        let unbias = m > 1 ? Float(m) / Float(m - 1) : 1
        for ch in 0..<c {
            runningMean.value.storage[ch] += momentum * (mean[ch] - runningMean.value.storage[ch])
            runningVariance.value.storage[ch] += momentum * (variance[ch] * unbias - runningVariance.value.storage[ch])
        }
        cache = (x, mean, variance.map { 1 / ($0 + epsilon).squareRoot() })
        return y
    }

    /// Adds ∂loss/∂γ and ∂loss/∂β; returns ∂loss/∂x.
    public func backward(_ dy: Tensor) -> Tensor {
        guard let cached = cache else { missingForward("BatchNorm") }
        cache = nil
        let (x, mean, inverseStd) = cached
        precondition(dy.shape == x.shape, "batch norm gradient \(dy.shape) for \(x.shape)")
        let c = gamma.value.count, n = dy.shape[0], plane = dy.count / max(n * c, 1), m = Float(max(n * plane, 1))
        var dx = Tensor(uninitializedShape: dy.shape)  // every element is written below
        var dGamma = [Float](repeating: 0, count: c), dBeta = dGamma
        let (g, beta) = (gamma.value.storage, self.beta.value.storage)
        let relu = activation == .relu
        dy.storage.withUnsafeBufferPointer { dp in
        x.storage.withUnsafeBufferPointer { xp in
        dx.storage.withUnsafeMutableBufferPointer { gp in
        dGamma.withUnsafeMutableBufferPointer { dgp in
        dBeta.withUnsafeMutableBufferPointer { dbp in
            let (db, xb, gb) = (UInt(bitPattern: dp.baseAddress!), UInt(bitPattern: xp.baseAddress!), UInt(bitPattern: gp.baseAddress!))
            let (dgb, dbb) = (UInt(bitPattern: dgp.baseAddress!), UInt(bitPattern: dbp.baseAddress!))
            Backend.parallelFor(c) { ch in
                let d = UnsafePointer<Float>(bitPattern: db)!, src = UnsafePointer<Float>(bitPattern: xb)!
                let out = UnsafeMutablePointer<Float>(bitPattern: gb)!
                let (mu, inv) = (mean[ch], inverseStd[ch])
                // Σ dy and Σ dy·x̂ with x̂ = (x − μ)·inv, recomputed from the cached input; with the
                // fused ReLU, dy counts only where the output was positive.
                var sumDy: Float = 0, sumDyX: Float = 0
                let scale = g[ch] * inv, shift = beta[ch] - mu * scale
                for s in 0..<n {
                    let o = (s * c + ch) * plane
                    if relu {
                        let sums = BatchNorm.maskedSums(d + o, src + o, plane, mean: mu, scale: scale, shift: shift)
                        sumDy += sums.dy
                        sumDyX += sums.dyx
                    } else {
                        sumDy += Reduce.sum(d + o, plane)
                        sumDyX += Reduce.dot(d + o, src + o, plane, shift: mu)
                    }
                }
                sumDyX *= inv
                let k = g[ch] * inv / m
                let a = k * m, b = -k * sumDy, e = -k * sumDyX * inv
                // dx = k (m·dy − Σdy − x̂ Σdy·x̂) = a·dy + b + e·(x − μ)
                for s in 0..<n {
                    let o = (s * c + ch) * plane
                    if relu {
                        BatchNorm.maskedGradient(out + o, d + o, src + o, plane, mean: mu, scale: scale, shift: shift,
                                                 coefficients: (a, b, e))
                    } else {
                        for j in 0..<plane { out[o + j] = a * d[o + j] + b + e * (src[o + j] - mu) }
                    }
                }
                UnsafeMutablePointer<Float>(bitPattern: dgb)![ch] = sumDyX
                UnsafeMutablePointer<Float>(bitPattern: dbb)![ch] = sumDy
            }
        } } } } }
        for ch in 0..<c {
            gamma.gradient.storage[ch] += dGamma[ch]
            self.beta.gradient.storage[ch] += dBeta[ch]
        }
        return dx
    }

    /// Σ dy and Σ dy·(x − mean) over the positions where `scale·x + shift > 0` (eight lanes).
    @inline(__always)
    static func maskedSums(_ d: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, mean: Float, scale: Float,
                           shift: Float) -> (dy: Float, dyx: Float) {
        var a = SIMD8<Float>(repeating: 0), b = a
        let (m, sc, sh) = (SIMD8<Float>(repeating: mean), SIMD8<Float>(repeating: scale), SIMD8<Float>(repeating: shift))
        let (rd, rx) = (UnsafeRawPointer(d), UnsafeRawPointer(x))
        var i = 0
        while i + 8 <= n {
            let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let dv = rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                .replacing(with: 0, where: sc * xv + sh .<= 0)
            a += dv
            b += dv * (xv - m)
            i += 8
        }
        var (sa, sb) = (a.sum(), b.sum())
        while i < n {
            if scale * x[i] + shift > 0 { sa += d[i]; sb += d[i] * (x[i] - mean) }
            i += 1
        }
        return (sa, sb)
    }

    /// `out = a·dy' + b + e·(x − mean)` with `dy' = dy` where `scale·x + shift > 0`, else 0.
    @inline(__always)
    static func maskedGradient(_ out: UnsafeMutablePointer<Float>, _ d: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                               _ n: Int, mean: Float, scale: Float, shift: Float,
                               coefficients: (a: Float, b: Float, e: Float)) {
        let (m, sc, sh) = (SIMD8<Float>(repeating: mean), SIMD8<Float>(repeating: scale), SIMD8<Float>(repeating: shift))
        let (va, vb, ve) = (SIMD8<Float>(repeating: coefficients.a), SIMD8<Float>(repeating: coefficients.b),
                            SIMD8<Float>(repeating: coefficients.e))
        let (rd, rx, ro) = (UnsafeRawPointer(d), UnsafeRawPointer(x), UnsafeMutableRawPointer(out))
        var i = 0
        while i + 8 <= n {
            let xv = rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            let dv = rd.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                .replacing(with: 0, where: sc * xv + sh .<= 0)
            ro.storeBytes(of: va * dv + vb + ve * (xv - m), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < n {
            let dj = scale * x[i] + shift > 0 ? d[i] : 0
            out[i] = coefficients.a * dj + coefficients.b + coefficients.e * (x[i] - mean)
            i += 1
        }
    }
}
