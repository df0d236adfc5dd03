import VisageNN

/// One convolution of a Keras-built network, described by its layer name and geometry.
///
/// A "conv unit" in the Keras FaceNet is `Conv2D` (no bias) → `BatchNormalization`
/// (no gamma, ε = 0.001) → ReLU, with the layers named `<name>` and `<name>_BatchNorm`.
/// Loading folds the batch norm into the convolution.
public struct ConvSpec: Sendable {
    /// The Keras layer name (the checkpoint key prefix).
    public var name: String
    /// Output channels.
    public var out: Int
    /// Kernel rows and columns.
    public var kernel: (h: Int, w: Int)
    /// Stride in both directions.
    public var stride: Int
    /// Keras padding mode.
    public var padding: PaddingMode

    /// Creates a spec; `valid` means no padding.
    public init(_ name: String, _ out: Int, _ kh: Int, _ kw: Int, stride: Int = 1, same: Bool = true) {
        self.name = name
        self.out = out
        self.kernel = (kh, kw)
        self.stride = stride
        self.padding = same ? .same : .explicit(.zero)
    }

    /// Builds the folded conv + BN + ReLU from Keras weights.
    /// - Parameters:
    ///   - inChannels: channels of the input.
    ///   - weights: the source; consumes `<name>/kernel` [KH, KW, I, O] and
    ///     `<name>_BatchNorm/{beta, moving_mean, moving_variance}`.
    public func buildUnit(inChannels: Int, from weights: inout WeightSource) throws -> Conv2D {
        let kernelKH = try weights.take("\(name)/kernel", shape: [kernel.h, kernel.w, inChannels, out])
        let bn = ChannelAffine.batchNorm(
            gamma: nil,
            beta: try weights.vector("\(name)_BatchNorm/beta", count: out),
            mean: try weights.vector("\(name)_BatchNorm/moving_mean", count: out),
            variance: try weights.vector("\(name)_BatchNorm/moving_variance", count: out),
            epsilon: 1e-3)
        return Conv2D(weight: kernelKH.permuted([3, 2, 0, 1]), stride: (stride, stride), padding: padding)
            .folding(bn).with(activation: .relu)
    }

    /// Builds a plain convolution with bias (no BN, no activation) from `<name>/kernel` and `<name>/bias`.
    public func buildLinear(inChannels: Int, from weights: inout WeightSource) throws -> Conv2D {
        let k = try weights.take("\(name)/kernel", shape: [kernel.h, kernel.w, inChannels, out])
        let b = try weights.take("\(name)/bias", shape: [out])
        return Conv2D(weight: k.permuted([3, 2, 0, 1]), bias: b, stride: (stride, stride), padding: padding)
    }
}

extension Array where Element == ConvSpec {
    /// Builds a chain of conv units; returns the chain and its output channels.
    func buildChain(inChannels: Int, from weights: inout WeightSource) throws -> (Sequential, Int) {
        var layers: [any Layer] = []
        var c = inChannels
        for spec in self {
            layers.append(try spec.buildUnit(inChannels: c, from: &weights))
            c = spec.out
        }
        return (Sequential(layers), c)
    }
}
