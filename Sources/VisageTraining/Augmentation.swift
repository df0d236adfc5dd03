/// Random changes applied to training images: a horizontal flip and a small crop jitter.
///
/// The jitter takes an S × S window shifted by up to ``maxShift`` pixels in each direction
/// from an edge-replicated copy of the image, so the face moves slightly without rescaling.
public struct Augmentation: Sendable, Equatable {
    /// Whether half of the images are mirrored left–right.
    public var horizontalFlip: Bool
    /// The largest shift of the crop window, in pixels (0 for none).
    public var maxShift: Int

    /// Creates an augmentation.
    public init(horizontalFlip: Bool, maxShift: Int) {
        self.horizontalFlip = horizontalFlip
        self.maxShift = max(0, maxShift)
    }

    /// No change (evaluation).
    public static let none = Augmentation(horizontalFlip: false, maxShift: 0)
    /// Flip and a jitter of up to 4 pixels (for 96 × 96 inputs).
    public static let standard = Augmentation(horizontalFlip: true, maxShift: 4)

    /// `k / 255` for every byte k, exactly as the inference recipe computes it.
    private static let unitScale: [Float] = (0..<256).map { Float($0) / 255 }

    /// Writes one augmented image as `pixel / 255` planes.
    /// - Parameters:
    ///   - planes: the image, 8-bit planes [3, size, size].
    ///   - size: the side length.
    ///   - out: 3 · size² Floats.
    ///   - generator: the source of randomness (drawn from only when the augmentation does something).
    public func apply<G: RandomNumberGenerator>(_ planes: [UInt8], size: Int, into out: UnsafeMutablePointer<Float>,
                                                using generator: inout G) {
        let flip = horizontalFlip && Bool.random(using: &generator)
        let dy = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &generator) : 0
        let dx = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &generator) : 0
        var columns = [Int](repeating: 0, count: size)
        for x in 0..<size {
            let sx = min(max(x + dx, 0), size - 1)
            columns[x] = flip ? size - 1 - sx : sx
        }
        planes.withUnsafeBufferPointer { src in
            for c in 0..<3 {
                for y in 0..<size {
                    let row = src.baseAddress! + c * size * size + min(max(y + dy, 0), size - 1) * size
                    let dst = out + (c * size + y) * size
                    for x in 0..<size { dst[x] = Augmentation.unitScale[Int(row[columns[x]])] }
                }
            }
        }
    }
}
