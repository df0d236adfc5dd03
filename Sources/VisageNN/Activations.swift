import Foundation

// Layout: any; PReLU and Softmax use the channel axis 1 of NCHW or N × C.

/// max(x, 0).
public struct ReLU: Layer {
    /// Creates the layer.
    public init() {}

    /// Applies the activation.
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        y.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = max(p[i], 0) }
        }
        return y
    }
}

/// Parametric ReLU: `x` if positive, else `slope[c] · x`, one slope per channel.
public struct PReLU: Layer {
    /// One negative slope per channel.
    public var slope: [Float]

    /// Creates the layer.
    public init(slope: [Float]) { self.slope = slope }

    /// One parameter per channel.
    public var parameterCount: Int { slope.count }

    /// Applies the activation.
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        let n = x.shape[0], c = x.shape[1]
        precondition(c == slope.count, "PReLU for \(slope.count) channels got \(x.shape)")
        let plane = x.count / max(n * c, 1)
        y.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<(n * c) {
                let a = slope[i % c]
                for j in (i * plane)..<((i + 1) * plane) where p[j] < 0 { p[j] *= a }
            }
        }
        return y
    }
}

/// Softmax over the channel axis (axis 1), independently at every position.
public struct ChannelSoftmax: Layer {
    /// Creates the layer.
    public init() {}

    /// Applies the softmax.
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        let n = x.shape[0], c = x.shape[1]
        let plane = x.count / max(n * c, 1)
        y.storage.withUnsafeMutableBufferPointer { p in
            for s in 0..<n {
                for j in 0..<plane {
                    let base = s * c * plane + j
                    var m = -Float.infinity
                    for k in 0..<c { m = max(m, p[base + k * plane]) }
                    var sum: Float = 0
                    for k in 0..<c {
                        let e = expf(p[base + k * plane] - m)
                        p[base + k * plane] = e
                        sum += e
                    }
                    for k in 0..<c { p[base + k * plane] /= sum }
                }
            }
        }
        return y
    }
}


// MARK: - Training

extension ReLU {
    /// ReLU under training: dx = dy where y > 0, else 0.
    public final class Trainable: TrainableLayer {
        private var output: Tensor?

        /// Creates the layer.
        public init() {}

        /// ``ReLU``.
        public func inferenceLayer() -> any Layer { ReLU() }

        /// Applies max(x, 0); in training mode keeps the output.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            let y = ReLU().forward(x)
            output = mode == .training ? y : nil
            return y
        }

        /// Masks the gradient.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let y = output else { missingForward("ReLU") }
            output = nil
            precondition(dy.shape == y.shape, "ReLU gradient \(dy.shape) for \(y.shape)")
            var dx = Tensor(shape: dy.shape)
            dx.storage.withUnsafeMutableBufferPointer { out in
                dy.storage.withUnsafeBufferPointer { d in
                    y.storage.withUnsafeBufferPointer { yp in
                        for i in 0..<out.count { out[i] = yp[i] > 0 ? d[i] : 0 }
                    }
                }
            }
            return dx
        }
    }
}
