/// The image pyramid of MTCNN's first stage, as facenet-pytorch builds it.
public enum MTCNNPyramid {
    /// The scales at which P-Net runs: 12 / minFaceSize, then times `scaleFactor` while the
    /// shorter side, scaled, is still ≥ 12 pixels (computed in Double like the Python code).
    /// - Parameters:
    ///   - width: image width.
    ///   - height: image height.
    ///   - options: `minFaceSize` and `scaleFactor` are used.
    public static func scales(width: Int, height: Int, options: MTCNNOptions) -> [Double] {
        let m = 12.0 / options.minFaceSize
        var minl = Double(min(width, height)) * m
        var scale = m
        var scales: [Double] = []
        while minl >= 12 {
            scales.append(scale)
            scale *= options.scaleFactor
            minl *= options.scaleFactor
        }
        return scales
    }

    /// The size P-Net's input has at `scale`: `Int(side · scale + 1)` for each side.
    public static func levelSize(width: Int, height: Int, scale: Double) -> (width: Int, height: Int) {
        (Int(Double(width) * scale + 1), Int(Double(height) * scale + 1))
    }
}
