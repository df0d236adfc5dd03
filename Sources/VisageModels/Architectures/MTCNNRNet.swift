import VisageNN

// R-Net, NCHW, 24×24 input:
//   conv1 3×3 3→28, prelu1   → 28×22×22;  max-pool 3/2 (ceil) → 28×11×11
//   conv2 3×3 28→48, prelu2  → 48×9×9;    max-pool 3/2 (ceil) → 48×4×4
//   conv3 2×2 48→64, prelu3  → 64×3×3;    flatten 576
//   dense4 576→128, prelu4;  dense5_1 128→2 + softmax;  dense5_2 128→4
// Input: RGB scaled as (v − 127.5) / 128.

/// MTCNN's refinement network: rescores 24×24 candidate crops and refines their boxes.
public struct MTCNNRNet: Sendable {
    /// Input side length.
    public static let inputSize = 24
    /// conv1 … prelu4: [N, 3, 24, 24] → [N, 128].
    public let trunk: Sequential
    /// dense5_1 and the softmax: → [N, 2].
    public let classifier: Sequential
    /// dense5_2: → [N, 4].
    public let regressor: Dense

    /// The convolutional stages as a batched fast path.
    private let convolutions: MTCNNConvStack
    /// dense4 and prelu4.
    private let dense: Sequential

    /// Builds the net from facenet-pytorch's `rnet.pt` tensors.
    /// - Throws: ``ModelLoadError`` naming a missing, misshapen or unused tensor.
    public init(weights: WeightSource) throws {
        var b = MTCNNLayerBuilder(source: weights)
        let (conv1, prelu1) = (try b.conv("conv1", in: 3, out: 28, kernel: 3), try b.prelu("prelu1", channels: 28))
        let (conv2, prelu2) = (try b.conv("conv2", in: 28, out: 48, kernel: 3), try b.prelu("prelu2", channels: 48))
        let (conv3, prelu3) = (try b.conv("conv3", in: 48, out: 64, kernel: 2), try b.prelu("prelu3", channels: 64))
        dense = Sequential([try b.denseOnFeatureMap("dense4", channels: 64, height: 3, width: 3, out: 128),
                            try b.prelu("prelu4", channels: 128)])
        classifier = Sequential([try b.dense("dense5_1", in: 128, out: 2), ChannelSoftmax()])
        regressor = try b.dense("dense5_2", in: 128, out: 4)
        try b.finish()
        let pool = Pool2D.max(3, stride: 2, ceilMode: true)
        trunk = Sequential([conv1, prelu1, pool, conv2, prelu2, pool, conv3, prelu3, Flatten()] + dense.layers)
        convolutions = MTCNNConvStack(stages: [MTCNNConvStage(conv1, prelu1, pool: (3, 2)),
                                               MTCNNConvStage(conv2, prelu2, pool: (3, 2)),
                                               MTCNNConvStage(conv3, prelu3)], inputSide: Self.inputSize)
    }

    /// Runs the net on a batch of normalised 24×24 crops (the fast path; same result as
    /// ``reference(_:)`` up to rounding).
    public func callAsFunction(_ x: Tensor) -> MTCNNOutput {
        let features = dense(convolutions.features(x))
        return MTCNNOutput(probability: classifier(features), regression: regressor(features))
    }

    /// Runs the declared layers one after the other.
    public func reference(_ x: Tensor) -> MTCNNOutput {
        let features = trunk(x)
        return MTCNNOutput(probability: classifier(features), regression: regressor(features))
    }
}
