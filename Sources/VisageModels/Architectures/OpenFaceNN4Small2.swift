import VisageNN

// The course's `faceRecoModel` (OpenFace nn4.small2 without LRN), exactly as the notes write it,
// channels first, 96×96 RGB in [0, 1]:
//   pad 3, conv1 7×7/2 64, bn1 (ε 1e-3), relu        → 64×48×48
//   pad 1, max-pool 3/2                              → 64×24×24
//   conv2 1×1 64, bn2, relu; pad 1, conv3 3×3 192, bn3, relu → 192×24×24
//   pad 1, max-pool 3/2                              → 192×12×12
//   3a 256@12 → 3b 320@12 → 3c 640@6 → 4a 640@6 → 4e 1024@3 → 5a 736@3 → 5b 736@3
//   avg-pool 3/1 → flatten 736 → dense 128 → L2 normalise
// Every batch norm but bn1 has ε = 1e-5. Keys are the CSV file stems: `<layer>_w`, `<layer>_b`,
// and for batch norms `_w` (γ), `_b` (β), `_m` (mean), `_v` (variance).

/// The course's NN4.small2 encoder (96×96 → 128-d, L2-normalised).
public struct OpenFaceNN4Small2: Sendable {
    /// The whole network: [N, 3, 96, 96] → [N, 128], unit length.
    public let network: Sequential
    /// The same network compiled once for inference, with its 3 × 3 filters Winograd-transformed.
    private let plan: InferencePlan?
    /// The number of stored parameters read (3,743,280 for the complete model).
    public let storedParameterCount: Int

    /// Input side length.
    public static let inputSize = 96

    /// One `fr_utils.conv2d_bn` stage: conv (+bias) → BN → ReLU, optionally a second conv.
    private struct Stage {
        let layer: String
        let out1: Int, k1: Int
        let out2: Int?, k2: Int, stride2: Int, pad: Int
    }

    /// What an Inception branch does before its convolutions.
    private enum Pool { case none, max, avg }

    private struct Branch {
        let pool: Pool
        let stage: Stage?
        let padAfter: Padding
    }

    private static func conv(_ layer: String, _ o1: Int, then o2: Int, k: Int, stride: Int = 1) -> Branch {
        Branch(pool: .none, stage: Stage(layer: layer, out1: o1, k1: 1, out2: o2, k2: k, stride2: stride, pad: k / 2),
               padAfter: .zero)
    }
    private static func single(_ layer: String, _ out: Int, pool: Pool = .none, pad: Padding = .zero) -> Branch {
        Branch(pool: pool, stage: Stage(layer: layer, out1: out, k1: 1, out2: nil, k2: 0, stride2: 1, pad: 0),
               padAfter: pad)
    }
    private static func poolOnly(_ pad: Padding) -> Branch { Branch(pool: .max, stage: nil, padAfter: pad) }

    private static let blocks: [[Branch]] = [
        [conv("inception_3a_3x3", 96, then: 128, k: 3), conv("inception_3a_5x5", 16, then: 32, k: 5),
         single("inception_3a_pool", 32, pool: .max, pad: Padding(top: 3, bottom: 4, left: 3, right: 4)),
         single("inception_3a_1x1", 64)],
        [conv("inception_3b_3x3", 96, then: 128, k: 3), conv("inception_3b_5x5", 32, then: 64, k: 5),
         single("inception_3b_pool", 64, pool: .avg, pad: Padding(4)), single("inception_3b_1x1", 64)],
        [conv("inception_3c_3x3", 128, then: 256, k: 3, stride: 2), conv("inception_3c_5x5", 32, then: 64, k: 5, stride: 2),
         poolOnly(Padding(top: 0, bottom: 1, left: 0, right: 1))],
        [conv("inception_4a_3x3", 96, then: 192, k: 3), conv("inception_4a_5x5", 32, then: 64, k: 5),
         single("inception_4a_pool", 128, pool: .avg, pad: Padding(2)), single("inception_4a_1x1", 256)],
        [conv("inception_4e_3x3", 160, then: 256, k: 3, stride: 2), conv("inception_4e_5x5", 64, then: 128, k: 5, stride: 2),
         poolOnly(Padding(top: 0, bottom: 1, left: 0, right: 1))],
        [conv("inception_5a_3x3", 96, then: 384, k: 3),
         single("inception_5a_pool", 96, pool: .avg, pad: Padding(1)), single("inception_5a_1x1", 256)],
        [conv("inception_5b_3x3", 96, then: 384, k: 3),
         single("inception_5b_pool", 96, pool: .max, pad: Padding(1)), single("inception_5b_1x1", 256)],
    ]

    /// The architecture as data, input first: the one declaration that both the inference
    /// builder (``init(weights:)``) and the trainable twin (``trainable(using:)``) read.
    public static let architecture: [LayerSpec] = {
        func unit(_ conv: String, _ bn: String, in c: Int, out: Int, k: Int, stride: Int = 1, pad: Int = 0,
                  epsilon: Float = 1e-5) -> LayerSpec {
            .convBatchNormReLU(ConvBatchNormSpec(conv: conv, batchNorm: bn, inChannels: c, outChannels: out, kernel: k,
                                                 stride: stride, padding: pad, epsilon: epsilon))
        }
        var layers: [LayerSpec] = [
            unit("conv1", "bn1", in: 3, out: 64, k: 7, stride: 2, pad: 3, epsilon: 1e-3),
            .zeroPad(Padding(1)), .maxPool(kernel: 3, stride: 2),
            unit("conv2", "bn2", in: 64, out: 64, k: 1),
            unit("conv3", "bn3", in: 64, out: 192, k: 3, pad: 1),
            .zeroPad(Padding(1)), .maxPool(kernel: 3, stride: 2),
        ]
        var c = 192
        for block in blocks {
            var branches: [LayerSpec] = []
            var total = 0
            for b in block {
                var parts: [LayerSpec] = []
                switch b.pool {
                case .none: break
                case .max: parts.append(.maxPool(kernel: 3, stride: 2))
                case .avg: parts.append(.averagePool(kernel: 3, stride: 3))
                }
                var out = c
                if let s = b.stage {
                    let suffix = s.out2 == nil ? "" : "1"
                    parts.append(unit(s.layer + "_conv" + suffix, s.layer + "_bn" + suffix, in: c, out: s.out1, k: s.k1))
                    out = s.out1
                    if let o2 = s.out2 {
                        parts.append(unit(s.layer + "_conv2", s.layer + "_bn2", in: out, out: o2, k: s.k2,
                                          stride: s.stride2, pad: s.pad))
                        out = o2
                    }
                }
                if b.padAfter != .zero { parts.append(.zeroPad(b.padAfter)) }
                branches.append(.sequence(parts))
                total += out
            }
            layers.append(.concatenate(branches))
            c = total
        }
        return layers + [.averagePool(kernel: 3, stride: 1), .flatten, .dense(key: "dense", inputs: c, outputs: 128), .l2Normalize]
    }()

    /// Builds the network from the OpenFace CSV tensors (keys = file stems) or a training
    /// checkpoint with the same keys.
    /// - Throws: ``ModelLoadError`` naming a missing or misshapen tensor, or unused ones.
    public init(weights source: WeightSource) throws {
        var w = source
        network = try LayerSpec.inferenceChain(Self.architecture, weights: &w)
        storedParameterCount = w.consumedParameterCount
        try w.finish(ignoring: ["inception_5a_3x3_conv2_m", "inception_5a_3x3_conv2_v"])
        plan = InferencePlan(network, winograd: true, packed: true)
    }

    /// Unit-length embeddings for a batch, through the compiled plan (the same function as
    /// `network.forward`, up to Float32 rounding).
    /// - Parameter input: [N, 3, 96, 96].
    /// - Returns: [N, 128].
    public func forward(_ input: Tensor) -> Tensor { plan?.forward(input) ?? network.forward(input) }

    /// A trainable twin with fresh random values (see ``LayerSpec/trainable(using:)``); its
    /// parameters carry the OpenFace keys, so a saved checkpoint loads with ``init(weights:)``.
    /// - Parameter generator: the source of the initial values.
    public static func trainable<G: RandomNumberGenerator>(using generator: inout G) -> Sequential.Trainable {
        LayerSpec.trainableChain(architecture, using: &generator)
    }
}
