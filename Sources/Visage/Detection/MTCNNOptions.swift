/// The settings of MTCNN detection; the defaults are facenet-pytorch's.
public struct MTCNNOptions: Sendable, Equatable {
    /// The smallest face side searched for, in pixels (default 20; at least 12 makes sense).
    public var minFaceSize: Double
    /// Ratio between successive pyramid scales (default 0.709 ≈ 1/√2), in (0, 1).
    public var scaleFactor: Double
    /// P-Net's face-probability threshold (kept when ≥, default 0.6).
    public var pnetThreshold: Float
    /// R-Net's threshold (kept when >, default 0.7).
    public var rnetThreshold: Float
    /// O-Net's threshold (kept when >, default 0.7).
    public var onetThreshold: Float

    /// Creates options; the defaults are facenet-pytorch's `MTCNN()`.
    public init(minFaceSize: Double = 20, scaleFactor: Double = 0.709, pnetThreshold: Float = 0.6,
                rnetThreshold: Float = 0.7, onetThreshold: Float = 0.7) {
        self.minFaceSize = minFaceSize
        self.scaleFactor = scaleFactor
        self.pnetThreshold = pnetThreshold
        self.rnetThreshold = rnetThreshold
        self.onetThreshold = onetThreshold
    }

    /// Checks every option.
    /// - Throws: ``DetectionError/invalidOption(name:value:valid:)`` for the first bad one.
    public func validate() throws {
        guard minFaceSize.isFinite, minFaceSize >= 1 else {
            throw DetectionError.invalidOption(name: "minFaceSize", value: minFaceSize, valid: "a finite number ≥ 1")
        }
        // Above 0.99 the pyramid would have thousands of levels.
        guard scaleFactor > 0.05, scaleFactor <= 0.99 else {
            throw DetectionError.invalidOption(name: "scaleFactor", value: scaleFactor, valid: "in (0.05, 0.99]")
        }
        for (name, t) in [("pnetThreshold", pnetThreshold), ("rnetThreshold", rnetThreshold),
                          ("onetThreshold", onetThreshold)] where !(t >= 0 && t <= 1) {
            throw DetectionError.invalidOption(name: name, value: Double(t), valid: "in [0, 1]")
        }
    }
}
