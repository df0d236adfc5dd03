/// A stage of a network: a pure function of its input batch.
///
/// Layers are values holding their weights; forward passes allocate their outputs and never
/// mutate the layer, so one network can serve several threads.
public protocol Layer: Sendable {
    /// Runs the layer on a batch (NCHW for images, N × F for vectors).
    func forward(_ x: Tensor) -> Tensor
    /// The output shape for an input shape (batch axis included).
    func outputShape(for input: [Int]) -> [Int]
    /// Multiply-adds for one sample of the given input shape (taps on padding included).
    func multiplyAdds(for input: [Int]) -> Int
    /// The number of learned parameters.
    var parameterCount: Int { get }
}

extension Layer {
    /// Layers without arithmetic worth counting report 0.
    public func multiplyAdds(for input: [Int]) -> Int { 0 }
    /// Layers without weights report 0.
    public var parameterCount: Int { 0 }
    /// Layers that keep the shape report the input shape.
    public func outputShape(for input: [Int]) -> [Int] { input }
    /// Calls ``forward(_:)``.
    public func callAsFunction(_ x: Tensor) -> Tensor { forward(x) }
}

/// Layers applied one after the other.
public struct Sequential: Layer {
    /// The stages, input first.
    public var layers: [any Layer]

    /// Creates a chain of layers.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// Runs every layer in order. Image batches go through an ``InferencePlan`` (one wide sgemm
    /// per convolution for the whole batch) when every layer is one the plan knows.
    public func forward(_ x: Tensor) -> Tensor {
        if x.rank == 4 && x.count > 0, let plan = InferencePlan(self) { return plan.forward(x) }
        return forwardLayerByLayer(x)
    }

    /// Runs every layer's own ``Layer/forward(_:)`` in order, without a plan (the reference the
    /// plan is tested against).
    public func forwardLayerByLayer(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1.forward($0) }
    }

    /// The shape after the last layer.
    public func outputShape(for input: [Int]) -> [Int] {
        layers.reduce(input) { $1.outputShape(for: $0) }
    }

    /// The sum over the layers.
    public func multiplyAdds(for input: [Int]) -> Int {
        var shape = input
        var total = 0
        for layer in layers {
            total += layer.multiplyAdds(for: shape)
            shape = layer.outputShape(for: shape)
        }
        return total
    }

    /// The sum over the layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
}

/// Padding of the two spatial axes, in pixels.
public struct Padding: Sendable, Equatable {
    /// Rows added above.
    public var top: Int
    /// Rows added below.
    public var bottom: Int
    /// Columns added on the left.
    public var left: Int
    /// Columns added on the right.
    public var right: Int

    /// Creates an asymmetric padding.
    public init(top: Int, bottom: Int, left: Int, right: Int) {
        self.top = top; self.bottom = bottom; self.left = left; self.right = right
    }

    /// The same padding on all four sides.
    public init(_ all: Int) { self.init(top: all, bottom: all, left: all, right: all) }

    /// `rows` above and below, `columns` left and right.
    public init(rows: Int, columns: Int) {
        self.init(top: rows, bottom: rows, left: columns, right: columns)
    }

    /// No padding.
    public static let zero = Padding(0)
}

/// How a convolution or pooling layer pads its input.
public enum PaddingMode: Sendable, Equatable {
    /// A fixed padding.
    case explicit(Padding)
    /// TensorFlow/Keras "same": the output is ceil(input / stride); any odd extra row or column
    /// goes below / on the right.
    case same

    /// The padding for an input of `h` × `w`, a `kh` × `kw` window and stride `sy`, `sx`.
    public func resolve(h: Int, w: Int, kh: Int, kw: Int, sy: Int, sx: Int) -> Padding {
        switch self {
        case .explicit(let p): return p
        case .same:
            let th = max((((h + sy - 1) / sy) - 1) * sy + kh - h, 0)
            let tw = max((((w + sx - 1) / sx) - 1) * sx + kw - w, 0)
            return Padding(top: th / 2, bottom: th - th / 2, left: tw / 2, right: tw - tw / 2)
        }
    }
}

/// A pointwise nonlinearity fused into the layer that precedes it.
public enum Activation: Sendable, Equatable {
    /// No activation.
    case identity
    /// max(x, 0).
    case relu
}

// MARK: - Training

extension Sequential {
    /// Layers under training, applied one after the other; backward runs them in reverse.
    public final class Trainable: TrainableLayer {
        /// The stages, input first.
        public let layers: [any TrainableLayer]

        /// Creates a chain.
        public init(_ layers: [any TrainableLayer]) { self.layers = layers }

        /// Every layer's parameters, in order.
        public var parameters: [Parameter] { layers.flatMap(\.parameters) }

        /// Runs every layer in order.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            layers.reduce(x) { $1.forward($0, mode: mode) }
        }

        /// Runs every backward pass in reverse order.
        public func backward(_ dy: Tensor) -> Tensor {
            layers.reversed().reduce(dy) { $1.backward($0) }
        }

        /// The inference chain, with each convolution → affine (batch norm) → ReLU run folded
        /// into one convolution (``Conv2D/folding(_:)``) and ReLUs fused into the layer before.
        public func inferenceLayer() -> any Layer {
            var out: [any Layer] = []
            for layer in layers.map({ $0.inferenceLayer() }) {
                switch (out.last, layer) {
                case (let conv as Conv2D, let affine as ChannelAffine) where conv.activation == .identity:
                    out[out.count - 1] = conv.folding(ChannelAffine(scale: affine.scale, shift: affine.shift))
                        .with(activation: affine.activation)
                case (let conv as Conv2D, is ReLU) where conv.activation == .identity:
                    out[out.count - 1] = conv.with(activation: .relu)
                case (let affine as ChannelAffine, is ReLU) where affine.activation == .identity:
                    out[out.count - 1] = ChannelAffine(scale: affine.scale, shift: affine.shift, activation: .relu)
                default:
                    out.append(layer)
                }
            }
            return out.count == 1 ? out[0] : Sequential(out)
        }
    }
}
