/// Whether a forward pass is part of training.
public enum ForwardMode: Sendable, Equatable {
    /// Keep what the backward pass needs; batch norm uses (and updates) batch statistics.
    case training
    /// Keep nothing; batch norm uses its running statistics.
    case inference
}

/// A layer that can be trained: it owns its ``Parameter``s, remembers what its backward pass
/// needs during a training-mode forward pass, and can be frozen into a fast inference ``Layer``.
///
/// Backward passes follow llm.c's rule: they *add* ∂loss/∂parameter into each parameter's
/// gradient (call ``zeroGradients()`` between steps) and return ∂loss/∂input. Each training
/// forward pass must be followed by at most one backward pass with the gradient of the output.
public protocol TrainableLayer: AnyObject {
    /// Runs the layer on a batch.
    /// - Parameters:
    ///   - x: the input batch (NCHW for images, N × F for vectors).
    ///   - mode: training (remember for backward) or inference.
    func forward(_ x: Tensor, mode: ForwardMode) -> Tensor
    /// Back-propagates through the last training-mode forward pass.
    /// - Parameter gradient: ∂loss/∂output, the shape of that pass's output.
    /// - Returns: ∂loss/∂input, the shape of that pass's input.
    func backward(_ gradient: Tensor) -> Tensor
    /// The layer's parameters (nested layers' included) in a fixed order.
    var parameters: [Parameter] { get }
    /// The equivalent inference layer with the current values (batch norm with its running
    /// statistics, folded into the preceding convolution where possible).
    func inferenceLayer() -> any Layer
}

extension TrainableLayer {
    /// Layers without parameters have none.
    public var parameters: [Parameter] { [] }

    /// Sets every parameter gradient to zero.
    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }

    /// The number of trainable elements.
    public var trainableParameterCount: Int {
        parameters.filter(\.isTrainable).reduce(0) { $0 + $1.value.count }
    }
}

/// A backward pass ran without a training-mode forward pass before it: a programming error.
@usableFromInline
func missingForward(_ layer: String) -> Never {
    preconditionFailure("\(layer).backward called without a training-mode forward pass")
}
