import VisageNN

/// An architecture declared as data: what each stage computes and under which checkpoint keys
/// its tensors are stored. One declaration gives both the inference network, built from stored
/// weights (``inferenceLayer(weights:)``), and its trainable twin (``trainable(using:)``).
public indirect enum LayerSpec: Sendable {
    /// Convolution with bias → batch norm → ReLU (OpenFace's `conv2d_bn`); folded into one
    /// convolution for inference.
    case convBatchNormReLU(ConvBatchNormSpec)
    /// Max pooling over square windows (no padding, floor mode).
    case maxPool(kernel: Int, stride: Int)
    /// Average pooling over square windows (no padding, floor mode).
    case averagePool(kernel: Int, stride: Int)
    /// Zero padding.
    case zeroPad(Padding)
    /// Stages applied in order.
    case sequence([LayerSpec])
    /// Branches on the same input, concatenated along channels.
    case concatenate([LayerSpec])
    /// [N, C, H, W] → [N, C·H·W].
    case flatten
    /// A fully connected layer with bias, keys `<key>_w` [outputs, inputs] and `<key>_b`.
    case dense(key: String, inputs: Int, outputs: Int)
    /// Unit-length rows.
    case l2Normalize
}

/// One convolution → batch norm → ReLU unit.
public struct ConvBatchNormSpec: Sendable, Equatable {
    /// The convolution's key stem: tensors `<conv>_w` [O, I, K, K] and `<conv>_b` [O].
    public var conv: String
    /// The batch norm's key stem: `<bn>_w` (γ), `_b` (β), `_m` (mean), `_v` (variance), all [O].
    public var batchNorm: String
    /// Input channels I.
    public var inChannels: Int
    /// Output channels O.
    public var outChannels: Int
    /// Square kernel side K.
    public var kernel: Int
    /// Stride in both directions.
    public var stride: Int
    /// Zero padding on all four sides.
    public var padding: Int
    /// The batch norm's ε.
    public var epsilon: Float

    /// Creates a unit description.
    public init(conv: String, batchNorm: String, inChannels: Int, outChannels: Int, kernel: Int,
                stride: Int = 1, padding: Int = 0, epsilon: Float = 1e-5) {
        self.conv = conv
        self.batchNorm = batchNorm
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.epsilon = epsilon
    }
}

/// The checkpoint key table: how a stem becomes tensor keys (OpenFace's CSV file stems).
public enum SpecKeys {
    /// A convolution's or dense layer's weights.
    public static func weight(_ stem: String) -> String { stem + "_w" }
    /// A convolution's or dense layer's bias.
    public static func bias(_ stem: String) -> String { stem + "_b" }
    /// A batch norm's γ, β, running mean and running variance.
    public static func batchNorm(_ stem: String) -> (gamma: String, beta: String, mean: String, variance: String) {
        (stem + "_w", stem + "_b", stem + "_m", stem + "_v")
    }
}

extension LayerSpec {
    /// Builds the inference layer, taking its tensors from `weights` (batch norms folded into
    /// the convolutions before them, ReLUs fused).
    /// - Throws: ``ModelLoadError`` naming a missing or misshapen tensor.
    public func inferenceLayer(weights w: inout WeightSource) throws -> any Layer {
        switch self {
        case .convBatchNormReLU(let u):
            let (o, k) = (u.outChannels, u.kernel)
            let weight = try w.take(SpecKeys.weight(u.conv), shape: [o, u.inChannels, k, k])
            let bias = try w.take(SpecKeys.bias(u.conv), shape: [o])
            let bn = SpecKeys.batchNorm(u.batchNorm)
            let affine = ChannelAffine.batchNorm(
                gamma: try w.vector(bn.gamma, count: o), beta: try w.vector(bn.beta, count: o),
                mean: try w.vector(bn.mean, count: o), variance: try w.vector(bn.variance, count: o),
                epsilon: u.epsilon)
            return Conv2D(weight: weight, bias: bias, stride: (u.stride, u.stride), padding: .explicit(Padding(u.padding)))
                .folding(affine).with(activation: .relu)
        case .maxPool(let k, let s): return Pool2D.max(k, stride: s)
        case .averagePool(let k, let s): return Pool2D.average(k, stride: s)
        case .zeroPad(let p): return ZeroPad2D(p)
        case .sequence(let parts): return try LayerSpec.inferenceChain(parts, weights: &w)
        case .concatenate(let parts): return Branches(try parts.map { try $0.inferenceLayer(weights: &w) })
        case .flatten: return Flatten()
        case .dense(let key, let i, let o):
            return Dense(weight: try w.take(SpecKeys.weight(key), shape: [o, i]), bias: try w.take(SpecKeys.bias(key), shape: [o]))
        case .l2Normalize: return L2Normalize()
        }
    }

    /// Builds a chain of stages as one ``Sequential``.
    /// - Throws: ``ModelLoadError``.
    public static func inferenceChain(_ parts: [LayerSpec], weights w: inout WeightSource) throws -> Sequential {
        Sequential(try parts.map { try $0.inferenceLayer(weights: &w) })
    }

    /// Builds the trainable twin with fresh values: He-normal convolutions with zero biases,
    /// batch norms with γ = 1, β = 0 and unit running variance, LeCun-normal dense weights.
    /// Every parameter carries its checkpoint key, so ``TrainableLayer/load(from:)`` and a saved
    /// checkpoint use the same names as the inference builder.
    /// - Parameters:
    ///   - generator: the source of the random initial values.
    ///   - scratch: the working-memory pool the convolutions share (one per network).
    public func trainable<G: RandomNumberGenerator>(using generator: inout G,
                                                    scratch: BufferPool = BufferPool()) -> any TrainableLayer {
        switch self {
        case .convBatchNormReLU(let u):
            let (o, k) = (u.outChannels, u.kernel)
            let conv = Conv2D(weight: Initialization.heNormal([o, u.inChannels, k, k], using: &generator),
                              bias: Tensor(shape: [o]), stride: (u.stride, u.stride), padding: .explicit(Padding(u.padding)))
            return Sequential.Trainable([
                Conv2D.Trainable(conv, weightKey: SpecKeys.weight(u.conv), biasKey: SpecKeys.bias(u.conv), scratch: scratch),
                BatchNorm(channels: o, keys: SpecKeys.batchNorm(u.batchNorm), epsilon: u.epsilon, activation: .relu),
            ])
        case .maxPool(let k, let s): return Pool2D.Trainable(.max(k, stride: s))
        case .averagePool(let k, let s): return Pool2D.Trainable(.average(k, stride: s))
        case .zeroPad(let p): return ZeroPad2D.Trainable(p)
        case .sequence(let parts): return LayerSpec.trainableChain(parts, using: &generator, scratch: scratch)
        case .concatenate(let parts): return Branches.Trainable(parts.map { $0.trainable(using: &generator, scratch: scratch) })
        case .flatten: return Flatten.Trainable()
        case .dense(let key, let i, let o):
            let dense = Dense(weight: Initialization.lecunNormal([o, i], using: &generator), bias: Tensor(shape: [o]))
            return Dense.Trainable(dense, weightKey: SpecKeys.weight(key), biasKey: SpecKeys.bias(key))
        case .l2Normalize: return L2Normalize.Trainable()
        }
    }

    /// Builds a trainable chain; a first convolution skips its (unused) input gradient.
    /// - Parameters:
    ///   - parts: the layers in order.
    ///   - generator: the source of the random initial values.
    ///   - scratch: the working-memory pool the convolutions share (one per network).
    public static func trainableChain<G: RandomNumberGenerator>(_ parts: [LayerSpec], using generator: inout G,
                                                                scratch: BufferPool = BufferPool()) -> Sequential.Trainable {
        let chain = Sequential.Trainable(parts.map { $0.trainable(using: &generator, scratch: scratch) })
        var first: (any TrainableLayer)? = chain
        while let sequence = first as? Sequential.Trainable { first = sequence.layers.first }
        (first as? Conv2D.Trainable)?.computesInputGradient = false
        return chain
    }
}
