import VisageNN

// O-Net, NCHW, 48×48 input:
//   conv1 3×3 3→32, prelu1   → 32×46×46;  max-pool 3/2 (ceil) → 32×23×23
//   conv2 3×3 32→64, prelu2  → 64×21×21;  max-pool 3/2 (ceil) → 64×10×10
//   conv3 3×3 64→64, prelu3  → 64×8×8;    max-pool 2/2 (ceil) → 64×4×4
//   conv4 2×2 64→128, prelu4 → 128×3×3;   flatten 1152
//   dense5 1152→256, prelu5; dense6_1 256→2 + softmax; dense6_2 256→4; dense6_3 256→10
// Input: RGB scaled as (v − 127.5) / 128.

/// MTCNN's output network: final scores, boxes and five landmarks for 48×48 crops.
public struct MTCNNONet: Sendable {
    /// Input side length.
    public static let inputSize = 48
    /// conv1 … prelu5: [N, 3, 48, 48] → [N, 256].
    public let trunk: Sequential
    /// dense6_1 and the softmax: → [N, 2].
    public let classifier: Sequential
    /// dense6_2: → [N, 4].
    public let regressor: Dense
    /// dense6_3: → [N, 10].
    public let landmarker: Dense

    /// The convolutional stages as a batched fast path.
    private let convolutions: MTCNNConvStack
    /// dense5 and prelu5.
    private let dense: Sequential

    /// Builds the net from facenet-pytorch's `onet.pt` tensors.
    /// - Throws: ``ModelLoadError`` naming a missing, misshapen or unused tensor.
    public init(weights: WeightSource) throws {
        var b = MTCNNLayerBuilder(source: weights)
        let (conv1, prelu1) = (try b.conv("conv1", in: 3, out: 32, kernel: 3), try b.prelu("prelu1", channels: 32))
        let (conv2, prelu2) = (try b.conv("conv2", in: 32, out: 64, kernel: 3), try b.prelu("prelu2", channels: 64))
        let (conv3, prelu3) = (try b.conv("conv3", in: 64, out: 64, kernel: 3), try b.prelu("prelu3", channels: 64))
        let (conv4, prelu4) = (try b.conv("conv4", in: 64, out: 128, kernel: 2), try b.prelu("prelu4", channels: 128))
        dense = Sequential([try b.denseOnFeatureMap("dense5", channels: 128, height: 3, width: 3, out: 256),
                            try b.prelu("prelu5", channels: 256)])
        classifier = Sequential([try b.dense("dense6_1", in: 256, out: 2), ChannelSoftmax()])
        regressor = try b.dense("dense6_2", in: 256, out: 4)
        landmarker = try b.dense("dense6_3", in: 256, out: 10)
        try b.finish()
        trunk = Sequential([conv1, prelu1, Pool2D.max(3, stride: 2, ceilMode: true),
                            conv2, prelu2, Pool2D.max(3, stride: 2, ceilMode: true),
                            conv3, prelu3, Pool2D.max(2, stride: 2, ceilMode: true),
                            conv4, prelu4, Flatten()] + dense.layers)
        convolutions = MTCNNConvStack(stages: [MTCNNConvStage(conv1, prelu1, pool: (3, 2)),
                                               MTCNNConvStage(conv2, prelu2, pool: (3, 2)),
                                               MTCNNConvStage(conv3, prelu3, pool: (2, 2)),
                                               MTCNNConvStage(conv4, prelu4)], inputSide: Self.inputSize)
    }

    /// Runs the net on a batch of normalised 48×48 crops (the fast path; same result as
    /// ``reference(_:)`` up to rounding).
    public func callAsFunction(_ x: Tensor) -> MTCNNOutput {
        let features = dense(convolutions.features(x))
        return MTCNNOutput(probability: classifier(features), regression: regressor(features),
                           landmarks: landmarker(features))
    }

    /// Runs the declared layers one after the other.
    public func reference(_ x: Tensor) -> MTCNNOutput {
        let features = trunk(x)
        return MTCNNOutput(probability: classifier(features), regression: regressor(features),
                           landmarks: landmarker(features))
    }
}
