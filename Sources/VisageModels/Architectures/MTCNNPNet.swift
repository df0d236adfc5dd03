import VisageNN

// P-Net, fully convolutional, NCHW; shapes for a 12×12 window (the net slides with stride 2):
//   conv1 3×3 3→10, prelu1            → 10×10×10
//   max-pool 2/2 (ceil)               → 10×5×5
//   conv2 3×3 10→16, prelu2           → 16×3×3
//   conv3 3×3 16→32, prelu3           → 32×1×1
//   conv4_1 1×1 32→2, softmax         → face probability
//   conv4_2 1×1 32→4                  → box offsets
// Input: RGB scaled as (v − 127.5) / 128.

/// MTCNN's proposal network: scores every 12×12 window of an image (stride 2) and regresses
/// its box.
public struct MTCNNPNet: Sendable {
    /// conv1 … prelu3: [N, 3, H, W] → [N, 32, H', W'] with H' = ⌈(H − 2) / 2⌉ − 4.
    public let trunk: Sequential
    /// conv4_1 and the softmax: → [N, 2, H', W'].
    public let classifier: Sequential
    /// conv4_2: → [N, 4, H', W'].
    public let regressor: Conv2D

    /// Builds the net from facenet-pytorch's `pnet.pt` tensors.
    /// - Throws: ``ModelLoadError`` naming a missing, misshapen or unused tensor.
    public init(weights: WeightSource) throws {
        var b = MTCNNLayerBuilder(source: weights)
        trunk = Sequential([
            try b.conv("conv1", in: 3, out: 10, kernel: 3), try b.prelu("prelu1", channels: 10),
            Pool2D.max(2, stride: 2, ceilMode: true),
            try b.conv("conv2", in: 10, out: 16, kernel: 3), try b.prelu("prelu2", channels: 16),
            try b.conv("conv3", in: 16, out: 32, kernel: 3), try b.prelu("prelu3", channels: 32),
        ])
        classifier = Sequential([try b.conv("conv4_1", in: 32, out: 2, kernel: 1), ChannelSoftmax()])
        regressor = try b.conv("conv4_2", in: 32, out: 4, kernel: 1)
        try b.finish()
    }

    /// Runs the net on a batch of normalised images, [N, 3, H, W] with H, W ≥ 12.
    public func callAsFunction(_ x: Tensor) -> MTCNNOutput {
        let features = trunk(x)
        return MTCNNOutput(probability: classifier(features), regression: regressor(features))
    }
}
