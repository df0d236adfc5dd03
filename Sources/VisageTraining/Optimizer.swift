import Foundation
import VisageNN

/// Updates parameters from their accumulated gradients.
///
/// Optimisers keep their state (momentum, moment estimates) per parameter key, so the state
/// can be saved in a checkpoint and restored into a freshly built network.
public protocol Optimizer: Sendable {
    /// Applies one update to every trainable parameter; gradients are left as they are.
    /// - Parameters:
    ///   - parameters: the network's parameters (statistics are skipped).
    ///   - learningRate: the step size for this update.
    mutating func step(_ parameters: [Parameter], learningRate: Float)
    /// The number of updates applied so far.
    var stepCount: Int { get }
    /// The state as named tensors (`<parameter key>/<slot>`), for checkpoints.
    var state: [String: Tensor] { get }
    /// Restores state saved by ``state``.
    /// - Throws: ``TrainingError/incompatibleCheckpoint(path:reason:)`` when a tensor is misshapen.
    mutating func restore(_ state: [String: Tensor], stepCount: Int) throws
}

/// The optimisers `visage train` offers.
public enum OptimizerKind: String, Sendable, CaseIterable {
    /// ``SGD`` with momentum 0.9.
    case sgd
    /// ``Adam`` with β₁ = 0.9, β₂ = 0.999.
    case adam

    /// A fresh optimiser of this kind.
    /// - Parameter weightDecay: the decay coefficient of kernels (not biases or batch norms).
    public func make(weightDecay: Float) -> any Optimizer {
        switch self {
        case .sgd: return SGD(momentum: 0.9, weightDecay: weightDecay)
        case .adam: return Adam(weightDecay: weightDecay)
        }
    }
}

/// Restores one slot's per-key arrays from checkpoint tensors.
func restoreSlots(_ state: [String: Tensor], slot: String) -> [String: [Float]] {
    var out: [String: [Float]] = [:]
    let suffix = "/" + slot
    for (key, tensor) in state where key.hasSuffix(suffix) {
        out[String(key.dropLast(suffix.count))] = tensor.storage
    }
    return out
}

/// Stochastic gradient descent with momentum and L2 weight decay:
/// `g ← ∇ + λ·w` (kernels only), `v ← μ·v + g`, `w ← w − η·v`.
public struct SGD: Optimizer {
    /// The momentum μ.
    public var momentum: Float
    /// The weight decay λ.
    public var weightDecay: Float
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    private var velocity: [String: [Float]] = [:]

    /// Creates the optimiser.
    public init(momentum: Float = 0.9, weightDecay: Float = 0) {
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// One update.
    public mutating func step(_ parameters: [Parameter], learningRate: Float) {
        for p in parameters where p.isTrainable {
            var v = velocity.removeValue(forKey: p.key) ?? [Float](repeating: 0, count: p.value.count)
            let decay = p.decays ? weightDecay : 0
            let (mu, lr) = (momentum, learningRate)
            p.gradient.storage.withUnsafeBufferPointer { g in
                p.value.storage.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count {
                        v[i] = mu * v[i] + g[i] + decay * w[i]
                        w[i] -= lr * v[i]
                    }
                }
            }
            velocity[p.key] = v
        }
        stepCount += 1
    }

    /// `<key>/velocity` for every parameter updated so far.
    public var state: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: velocity.map { ("\($0.key)/velocity", Tensor(shape: [$0.value.count], storage: $0.value)) })
    }

    /// Restores the velocities.
    public mutating func restore(_ state: [String: Tensor], stepCount: Int) throws {
        velocity = restoreSlots(state, slot: "velocity")
        self.stepCount = stepCount
    }
}

/// Adam (Kingma & Ba) with decoupled weight decay (AdamW, Loshchilov & Hutter):
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `w ← w − η(m̂ / (√v̂ + ε) + λ·w)` with
/// bias-corrected `m̂`, `v̂`; the decay applies to kernels only.
public struct Adam: Optimizer {
    /// β₁.
    public var beta1: Float
    /// β₂.
    public var beta2: Float
    /// ε.
    public var epsilon: Float
    /// The decoupled weight decay λ.
    public var weightDecay: Float
    /// The number of updates applied so far.
    public private(set) var stepCount = 0
    private var first: [String: [Float]] = [:]
    private var second: [String: [Float]] = [:]

    /// Creates the optimiser.
    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// One update.
    public mutating func step(_ parameters: [Parameter], learningRate: Float) {
        stepCount += 1
        let t = Float(stepCount)
        let c1 = 1 - Foundation.pow(beta1, t), c2 = 1 - Foundation.pow(beta2, t)
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for p in parameters where p.isTrainable {
            var m = first.removeValue(forKey: p.key) ?? [Float](repeating: 0, count: p.value.count)
            var v = second.removeValue(forKey: p.key) ?? [Float](repeating: 0, count: p.value.count)
            let decay = p.decays ? weightDecay : 0
            p.gradient.storage.withUnsafeBufferPointer { g in
                p.value.storage.withUnsafeMutableBufferPointer { w in
                    for i in 0..<w.count {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        let update = (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                        w[i] -= learningRate * (update + decay * w[i])
                    }
                }
            }
            first[p.key] = m
            second[p.key] = v
        }
    }

    /// `<key>/m` and `<key>/v` for every parameter updated so far.
    public var state: [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (k, m) in first { out["\(k)/m"] = Tensor(shape: [m.count], storage: m) }
        for (k, v) in second { out["\(k)/v"] = Tensor(shape: [v.count], storage: v) }
        return out
    }

    /// Restores the moment estimates.
    public mutating func restore(_ state: [String: Tensor], stepCount: Int) throws {
        first = restoreSlots(state, slot: "m")
        second = restoreSlots(state, slot: "v")
        self.stepCount = stepCount
    }
}
