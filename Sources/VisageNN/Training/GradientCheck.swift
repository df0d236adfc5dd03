/// The numerical gradient checker every trainable layer and loss passes (dlib's `test_layer`).
///
/// Analytic derivatives are compared with central differences `(f(v + h) − f(v − h)) / 2h`,
/// the scalar `f` being summed in Double. The error of one derivative is
/// `|analytic − numerical| / max(|analytic|, |numerical|, floor)`: relative for large
/// derivatives, absolute below `floor`.
public enum GradientCheck {
    /// The worst error found for each checked tensor.
    public struct Result: Sendable, CustomStringConvertible {
        /// Worst error per tensor: `"input"` and the parameter keys.
        public var errors: [String: Float]
        /// Problems other than numbers (wrong gradient shapes).
        public var problems: [String]

        /// The largest error over all tensors.
        public var worst: Float { errors.values.max() ?? 0 }

        /// Whether every error is at most `tolerance` and there were no problems.
        public func passes(tolerance: Float = 1e-2) -> Bool { problems.isEmpty && worst <= tolerance }

        /// One line per tensor.
        public var description: String {
            (problems + errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }).joined(separator: "; ")
        }
    }

    /// The worst error between `analytic` and central differences at the given indices.
    /// - Parameters:
    ///   - analytic: the analytic derivative of `loss` for every index.
    ///   - indices: which derivatives to check.
    ///   - step: the difference step h.
    ///   - floor: the denominator floor of the error.
    ///   - nudge: adds `delta` to the variable at `index` (must be exactly undoable).
    ///   - loss: the scalar function at the current values.
    public static func maxError(analytic: [Float], indices: [Int], step: Float, floor: Float = 1e-2,
                                nudge: (_ index: Int, _ delta: Float) -> Void, loss: () -> Double) -> Float {
        var worst: Float = 0
        for i in indices {
            nudge(i, step)
            let plus = loss()
            nudge(i, -2 * step)
            let minus = loss()
            nudge(i, step)
            let numerical = Float((plus - minus) / (2 * Double(step)))
            let a = analytic[i]
            let error = abs(a - numerical) / max(abs(a), abs(numerical), floor)
            worst = max(worst, error.isNaN ? .infinity : error)
        }
        return worst
    }

    /// Checks a layer's backward pass against its forward pass in training mode.
    ///
    /// The scalar is `Σ r ⊙ forward(x)` for fixed pseudo-random weights `r` in [−1, 1]. Parameter
    /// gradients are pre-filled with 0.25 before the backward pass, so a backward pass that
    /// overwrites instead of accumulating fails. Inputs should keep clear of kinks (ReLU's 0,
    /// ties in max pooling) by more than `step`.
    /// - Parameters:
    ///   - layer: the layer; its parameters are nudged and restored.
    ///   - input: the input batch.
    ///   - step: the difference step h.
    ///   - samplesPerTensor: at most this many evenly spread elements are checked per tensor.
    ///   - seed: the seed of `r`.
    public static func check(_ layer: TrainableLayer, input: Tensor, step: Float = 1e-2,
                             samplesPerTensor: Int = 48, seed: UInt64 = 1) -> Result {
        let prefill: Float = 0.25
        let y = layer.forward(input, mode: .training)
        let r = weights(count: y.count, seed: seed)
        var result = Result(errors: [:], problems: [])
        for p in layer.parameters where p.isTrainable {
            p.gradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: prefill) }
        }
        let dx = layer.backward(Tensor(shape: y.shape, storage: r))
        if dx.shape != input.shape { result.problems.append("input gradient \(dx.shape) for input \(input.shape)") }

        var x = input
        func loss() -> Double {
            let out = layer.forward(x, mode: .training)
            var sum = 0.0
            for (a, b) in zip(out.storage, r) { sum += Double(a) * Double(b) }
            return sum
        }
        if dx.shape == input.shape {
            result.errors["input"] = maxError(
                analytic: dx.storage, indices: spread(input.count, samplesPerTensor), step: step,
                nudge: { x.storage[$0] += $1 }, loss: loss)
        }
        for p in layer.parameters where p.isTrainable {
            guard p.gradient.shape == p.value.shape else {
                result.problems.append("\(p.key): gradient \(p.gradient.shape) for value \(p.value.shape)")
                continue
            }
            let analytic = p.gradient.storage.map { $0 - prefill }
            result.errors[p.key] = maxError(
                analytic: analytic, indices: spread(p.value.count, samplesPerTensor), step: step,
                nudge: { p.value.storage[$0] += $1 }, loss: loss)
        }
        return result
    }

    /// Up to `limit` indices spread evenly over `0..<count` (all when `count ≤ limit`).
    private static func spread(_ count: Int, _ limit: Int) -> [Int] {
        if count <= limit { return Array(0..<count) }
        return (0..<limit).map { $0 * (count - 1) / (limit - 1) }
    }

    /// Fixed pseudo-random weights in [−1, 1] (SplitMix64 stream).
    private static func weights(count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 23) - 1
        }
    }
}
