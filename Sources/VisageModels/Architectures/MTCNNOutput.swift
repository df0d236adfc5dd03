import VisageNN

/// What one MTCNN network returns for a batch.
public struct MTCNNOutput: Sendable {
    /// Softmax over {background, face}: [N, 2, H, W] for P-Net, [N, 2] for R-Net and O-Net.
    /// Channel 1 is the face probability.
    public let probability: Tensor
    /// Box offsets (x1, y1, x2, y2) in units of the box size: [N, 4, H, W] or [N, 4].
    public let regression: Tensor
    /// O-Net only: five landmarks in box-relative units, [N, 10] = x of the five points, then y
    /// (left eye, right eye, nose, left mouth corner, right mouth corner).
    public let landmarks: Tensor?

    /// Bundles the heads' outputs.
    public init(probability: Tensor, regression: Tensor, landmarks: Tensor? = nil) {
        self.probability = probability
        self.regression = regression
        self.landmarks = landmarks
    }
}
