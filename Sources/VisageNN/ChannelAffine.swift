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

// MARK: - Training

extension ChannelAffine {
    /// A per-channel affine map under training (dlib's `affine` layer, e.g. a frozen batch
    /// norm made trainable): dscale[c] += Σ dy·x, dshift[c] += Σ dy, dx = scale[c]·dy, with
    /// dy first masked by y > 0 when the activation is ReLU.
    public final class Trainable: TrainableLayer {
        /// The multipliers [C].
        public let scale: Parameter
        /// The offsets [C].
        public let shift: Parameter
        /// The activation after the map.
        public let activation: Activation
        private var cache: (x: Tensor, y: Tensor)?

        /// Starts training from an affine map's current values.
        /// - Parameters:
        ///   - affine: the map.
        ///   - keys: checkpoint keys of the scale and the shift.
        public init(_ affine: ChannelAffine, keys: (scale: String, shift: String)) {
            scale = Parameter(key: keys.scale, value: Tensor(shape: [affine.scale.count], storage: affine.scale), role: .bias)
            shift = Parameter(key: keys.shift, value: Tensor(shape: [affine.shift.count], storage: affine.shift), role: .bias)
            activation = affine.activation
        }

        /// The scale, then the shift.
        public var parameters: [Parameter] { [scale, shift] }

        /// The map with the current values.
        public func inferenceLayer() -> any Layer {
            ChannelAffine(scale: scale.value.storage, shift: shift.value.storage, activation: activation)
        }

        /// Runs ``ChannelAffine/forward(_:)``; in training mode keeps input and output.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            let y = inferenceLayer().forward(x)
            cache = mode == .training ? (x, y) : nil
            return y
        }

        /// Adds ∂loss/∂scale and ∂loss/∂shift; returns ∂loss/∂x.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let cached = cache else { missingForward("ChannelAffine") }
            cache = nil
            let (x, y) = cached
            precondition(dy.shape == x.shape, "affine gradient \(dy.shape) for \(x.shape)")
            let c = scale.value.count, n = x.shape[0], plane = x.count / max(n * c, 1)
            var dx = dy
            let relu = activation == .relu
            x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeBufferPointer { yp in
            dx.storage.withUnsafeMutableBufferPointer { d in
                for s in 0..<n {
                    for ch in 0..<c {
                        let o = (s * c + ch) * plane
                        var sumDy: Float = 0, sumDyX: Float = 0
                        let a = scale.value.storage[ch]
                        for j in o..<(o + plane) {
                            if relu && yp[j] <= 0 { d[j] = 0 }
                            sumDy += d[j]
                            sumDyX += d[j] * xp[j]
                            d[j] *= a
                        }
                        scale.gradient.storage[ch] += sumDyX
                        shift.gradient.storage[ch] += sumDy
                    }
                }
            } } }
            return dx
        }
    }
}
