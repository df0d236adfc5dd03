/// A learned tensor of a trainable layer, its gradient, and the key it is saved under.
///
/// Parameters are shared references: the layer reads ``value`` in its forward pass and adds
/// into ``gradient`` in its backward pass; an optimiser updates ``value`` in place. Batch-norm
/// running statistics are parameters too (role ``Role/statistic``): saved and restored with the
/// weights, never touched by an optimiser.
public final class Parameter {
    /// What a parameter is for: decides weight decay and whether an optimiser updates it.
    public enum Role: Sendable, Equatable {
        /// A convolution or dense kernel: trained, with weight decay.
        case weight
        /// A bias, batch-norm γ or β, or affine scale/shift: trained, no weight decay.
        case bias
        /// A running statistic (batch-norm mean or variance): saved, not trained.
        case statistic
    }

    /// The checkpoint key, e.g. `"conv1_w"` (architectures assign keys from their key table).
    public let key: String
    /// The role.
    public let role: Role
    /// The current value.
    public var value: Tensor
    /// ∂loss/∂value accumulated by backward passes since the last ``zeroGradient()``; empty for
    /// statistics.
    public var gradient: Tensor

    /// Creates a parameter with a zero gradient.
    /// - Parameters:
    ///   - key: the checkpoint key.
    ///   - value: the initial value.
    ///   - role: the role (default ``Role/weight``).
    public init(key: String, value: Tensor, role: Role = .weight) {
        self.key = key
        self.role = role
        self.value = value
        self.gradient = Tensor(shape: role == .statistic ? [0] : value.shape)
    }

    /// Whether an optimiser updates this parameter.
    public var isTrainable: Bool { role != .statistic }

    /// Whether weight decay applies.
    public var decays: Bool { role == .weight }

    /// Sets the gradient to zero.
    public func zeroGradient() {
        guard isTrainable else { return }
        gradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}
