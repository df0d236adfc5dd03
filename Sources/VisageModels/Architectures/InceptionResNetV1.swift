import VisageNN

// Inception-ResNet-v1 as in keras-facenet's facenet_keras.h5 (the 160×160 FaceNet of the
// course's `img_to_encoding`). Visage runs it NCHW; Keras kernels are permuted at load time.
//
//   input 3×160×160 (RGB in [0, 1])
//   stem            → 256×17×17
//   Block35 ×5      → 256×17×17   (scale 0.17)
//   Mixed_6a        → 896×8×8
//   Block17 ×10     → 896×8×8     (scale 0.1)
//   Mixed_7a        → 1792×3×3
//   Block8 ×5 + Block8_6 (scale 1, no ReLU) → 1792×3×3
//   global average pool → Bottleneck dense 1792→128 (no bias) → BatchNorm → 128 (not normalised)

/// The 160×160 FaceNet (Inception-ResNet-v1, 128-d), built from Keras weights.
public struct InceptionResNetV1: Sendable {
    /// The whole network: [N, 3, 160, 160] → [N, 128] raw embeddings.
    public let network: Sequential
    /// The same network compiled once for inference, with its 3 × 3 filters Winograd-transformed.
    private let plan: InferencePlan?

    /// Input side length.
    public static let inputSize = 160

    private static let stem: [ConvSpec] = [
        ConvSpec("Conv2d_1a_3x3", 32, 3, 3, stride: 2, same: false),
        ConvSpec("Conv2d_2a_3x3", 32, 3, 3, same: false),
        ConvSpec("Conv2d_2b_3x3", 64, 3, 3),
    ]
    private static let stem2: [ConvSpec] = [
        ConvSpec("Conv2d_3b_1x1", 80, 1, 1, same: false),
        ConvSpec("Conv2d_4a_3x3", 192, 3, 3, same: false),
        ConvSpec("Conv2d_4b_3x3", 256, 3, 3, stride: 2, same: false),
    ]

    /// A residual Inception block: branches (suffix specs), up-projection, scale, ReLU.
    private struct BlockTemplate {
        let prefix: String
        let branches: [[ConvSpec]]
        let scale: Float
    }

    private static func block35(_ i: Int) -> BlockTemplate {
        let p = "Block35_\(i)_"
        return BlockTemplate(prefix: p, branches: [
            [ConvSpec(p + "Branch_0_Conv2d_1x1", 32, 1, 1)],
            [ConvSpec(p + "Branch_1_Conv2d_0a_1x1", 32, 1, 1), ConvSpec(p + "Branch_1_Conv2d_0b_3x3", 32, 3, 3)],
            [ConvSpec(p + "Branch_2_Conv2d_0a_1x1", 32, 1, 1), ConvSpec(p + "Branch_2_Conv2d_0b_3x3", 32, 3, 3),
             ConvSpec(p + "Branch_2_Conv2d_0c_3x3", 32, 3, 3)],
        ], scale: 0.17)
    }

    private static func block17(_ i: Int) -> BlockTemplate {
        let p = "Block17_\(i)_"
        return BlockTemplate(prefix: p, branches: [
            [ConvSpec(p + "Branch_0_Conv2d_1x1", 128, 1, 1)],
            [ConvSpec(p + "Branch_1_Conv2d_0a_1x1", 128, 1, 1), ConvSpec(p + "Branch_1_Conv2d_0b_1x7", 128, 1, 7),
             ConvSpec(p + "Branch_1_Conv2d_0c_7x1", 128, 7, 1)],
        ], scale: 0.1)
    }

    private static func block8(_ i: Int) -> BlockTemplate {
        let p = "Block8_\(i)_"
        return BlockTemplate(prefix: p, branches: [
            [ConvSpec(p + "Branch_0_Conv2d_1x1", 192, 1, 1)],
            [ConvSpec(p + "Branch_1_Conv2d_0a_1x1", 192, 1, 1), ConvSpec(p + "Branch_1_Conv2d_0b_1x3", 192, 1, 3),
             ConvSpec(p + "Branch_1_Conv2d_0c_3x1", 192, 3, 1)],
        ], scale: i == 6 ? 1.0 : 0.2)
    }

    /// Reduction blocks: conv branches plus a final 3×3/2 max-pool branch.
    private static let mixed6a: [[ConvSpec]] = [
        [ConvSpec("Mixed_6a_Branch_0_Conv2d_1a_3x3", 384, 3, 3, stride: 2, same: false)],
        [ConvSpec("Mixed_6a_Branch_1_Conv2d_0a_1x1", 192, 1, 1), ConvSpec("Mixed_6a_Branch_1_Conv2d_0b_3x3", 192, 3, 3),
         ConvSpec("Mixed_6a_Branch_1_Conv2d_1a_3x3", 256, 3, 3, stride: 2, same: false)],
    ]
    private static let mixed7a: [[ConvSpec]] = [
        [ConvSpec("Mixed_7a_Branch_0_Conv2d_0a_1x1", 256, 1, 1),
         ConvSpec("Mixed_7a_Branch_0_Conv2d_1a_3x3", 384, 3, 3, stride: 2, same: false)],
        [ConvSpec("Mixed_7a_Branch_1_Conv2d_0a_1x1", 256, 1, 1),
         ConvSpec("Mixed_7a_Branch_1_Conv2d_1a_3x3", 256, 3, 3, stride: 2, same: false)],
        [ConvSpec("Mixed_7a_Branch_2_Conv2d_0a_1x1", 256, 1, 1), ConvSpec("Mixed_7a_Branch_2_Conv2d_0b_3x3", 256, 3, 3),
         ConvSpec("Mixed_7a_Branch_2_Conv2d_1a_3x3", 256, 3, 3, stride: 2, same: false)],
    ]

    /// Builds the network from Keras weights keyed `"<layer>/<variable>"` (e.g.
    /// `"Conv2d_1a_3x3/kernel"`, `"Bottleneck_BatchNorm/moving_mean"`).
    /// - Throws: ``ModelLoadError`` naming the first missing or misshapen tensor, or the unused ones.
    public init(weights source: WeightSource) throws {
        var w = source
        var layers: [any Layer] = []
        var (chain, c) = try Self.stem.buildChain(inChannels: 3, from: &w)
        layers.append(chain)
        layers.append(Pool2D.max(3, stride: 2))
        (chain, c) = try Self.stem2.buildChain(inChannels: c, from: &w)
        layers.append(chain)

        func residual(_ t: BlockTemplate) throws -> Residual {
            var branches: [any Layer] = []
            var concat = 0
            for spec in t.branches {
                let (b, out) = try spec.buildChain(inChannels: c, from: &w)
                branches.append(b)
                concat += out
            }
            let up = try ConvSpec(t.prefix + "Conv2d_1x1", c, 1, 1).buildLinear(inChannels: concat, from: &w)
            let last = t.prefix == "Block8_6_"
            return Residual(body: Sequential([Branches(branches), up]), scale: t.scale,
                            activation: last ? .identity : .relu)
        }
        func reduction(_ specs: [[ConvSpec]]) throws -> Branches {
            var branches: [any Layer] = []
            var total = 0
            for spec in specs {
                let (b, out) = try spec.buildChain(inChannels: c, from: &w)
                branches.append(b)
                total += out
            }
            branches.append(Pool2D.max(3, stride: 2))
            c = total + c
            return Branches(branches)
        }

        for i in 1...5 { layers.append(try residual(Self.block35(i))) }
        layers.append(try reduction(Self.mixed6a))
        for i in 1...10 { layers.append(try residual(Self.block17(i))) }
        layers.append(try reduction(Self.mixed7a))
        for i in 1...6 { layers.append(try residual(Self.block8(i))) }

        layers.append(GlobalAveragePool())
        layers.append(Flatten())
        let bottleneck = try w.take("Bottleneck/kernel", shape: [c, 128])
        layers.append(Dense(weight: bottleneck.permuted([1, 0])))
        layers.append(ChannelAffine.batchNorm(
            gamma: nil,
            beta: try w.vector("Bottleneck_BatchNorm/beta", count: 128),
            mean: try w.vector("Bottleneck_BatchNorm/moving_mean", count: 128),
            variance: try w.vector("Bottleneck_BatchNorm/moving_variance", count: 128),
            epsilon: 1e-3))
        try w.finish()
        network = Sequential(layers)
        plan = InferencePlan(network, winograd: true, packed: true)
    }

    /// Raw embeddings for a batch, through the compiled plan (the same function as
    /// `network.forward`, up to Float32 rounding).
    /// - Parameter input: [N, 3, 160, 160], prewhitened.
    /// - Returns: [N, 128].
    public func forward(_ input: Tensor) -> Tensor { plan?.forward(input) ?? network.forward(input) }
}
