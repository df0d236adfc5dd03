// Layout: NCHW (or N × C); one scale and shift per channel C.

/// `y = scale[c] · x + shift[c]` per channel: dlib's `affine` layer and inference-mode batch norm.
public struct ChannelAffine: Layer {
    /// One multiplier per channel.
    public var scale: [Float]
    /// One offset per channel.
    public var shift: [Float]
    /// The activation applied after the affine map.
    public var activation: Activation

    /// Creates the layer from its per-channel scale and shift.
    public init(scale: [Float], shift: [Float], activation: Activation = .identity) {
        precondition(scale.count == shift.count, "scale/shift sizes differ")
        self.scale = scale
        self.shift = shift
        self.activation = activation
    }

    /// Inference-mode batch normalisation as an affine map, computed in Float:
    /// `scale = gamma / sqrt(variance + epsilon)`, `shift = beta − mean · scale`.
    /// - Parameters:
    ///   - gamma: per-channel scale, or `nil` for 1 (Keras `scale=False`).
    ///   - beta: per-channel offset.
    ///   - mean: the moving mean.
    ///   - variance: the moving variance.
    ///   - epsilon: added to the variance (Keras default 1e-3).
    public static func batchNorm(gamma: [Float]?, beta: [Float], mean: [Float], variance: [Float],
                                 epsilon: Float) -> ChannelAffine {
        var scale = [Float](repeating: 0, count: beta.count)
        var shift = scale
        for c in 0..<beta.count {
            let s = (gamma?[c] ?? 1) / (variance[c] + epsilon).squareRoot()
            scale[c] = s
            shift[c] = beta[c] - mean[c] * s
        }
        return ChannelAffine(scale: scale, shift: shift)
    }

    /// Two parameters per channel.
    public var parameterCount: Int { scale.count * 2 }

    /// Applies the map.
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        let n = x.shape[0], c = x.shape[1]
        precondition(c == scale.count, "affine for \(scale.count) channels got \(x.shape)")
        let plane = x.count / max(n * c, 1)
        let relu = activation == .relu
        y.storage.withUnsafeMutableBufferPointer { buf in
            let bits = UInt(bitPattern: buf.baseAddress!)
            Backend.parallelFor(n * c) { i in
                let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + i * plane
                let a = scale[i % c], b = shift[i % c]
                if relu {
                    for j in 0..<plane { p[j] = max(a * p[j] + b, 0) }
                } else {
                    for j in 0..<plane { p[j] = a * p[j] + b }
                }
            }
        }
        return y
    }
}
