import Foundation

/// Random changes applied to training images: a horizontal flip, a crop jitter (shift and
/// zoom), a brightness/contrast change and random erasing.
///
/// The crop is a square of side `S · z`, `z` uniform in [1 − ``zoom``, 1], centred up to
/// ``maxShift`` pixels away from the image centre in each direction, resampled bilinearly to
/// S × S (edge pixels repeat outside the image). With ``zoom`` 0 it is a pure shift.
public struct Augmentation: Sendable, Equatable {
    /// Whether half of the images are mirrored left–right.
    public var horizontalFlip: Bool
    /// The largest shift of the crop centre, in pixels (0 for none).
    public var maxShift: Int
    /// The largest relative shrink of the crop side (0 for none, 0.1 for up to 10 % zoom-in).
    public var zoom: Float
    /// The largest relative change of contrast and brightness (0 for none): values become
    /// `c · v + b` with `c` in [1 − p, 1 + p] and `b` in [−p/2, p/2], clamped to [0, 1].
    public var photometric: Float
    /// The probability that a random rectangle of the image is erased (0 for never): random
    /// erasing (Zhong et al. 2020). The rectangle covers 2–25 % of the image with an aspect ratio
    /// in [0.3, 3.3] (log-uniform) and is filled with each channel's mean over the image, after
    /// the other changes.
    public var erasing: Float

    /// Creates an augmentation.
    public init(horizontalFlip: Bool, maxShift: Int, zoom: Float = 0, photometric: Float = 0, erasing: Float = 0) {
        self.horizontalFlip = horizontalFlip
        self.maxShift = max(0, maxShift)
        self.zoom = min(max(zoom, 0), 0.5)
        self.photometric = min(max(photometric, 0), 0.5)
        self.erasing = min(max(erasing, 0), 1)
    }

    /// No change (evaluation).
    public static let none = Augmentation(horizontalFlip: false, maxShift: 0)
    /// Flip and shifts up to 4 pixels only (for 96 × 96 inputs).
    public static let light = Augmentation(horizontalFlip: true, maxShift: 4)
    /// Flip, shifts up to 6 pixels, zoom up to 10 %, contrast and
    /// brightness ±20 % (for 96 × 96 inputs).
    public static let standard = Augmentation(horizontalFlip: true, maxShift: 6, zoom: 0.1, photometric: 0.2)

    /// `k / 255` for every byte k, exactly as the inference recipe computes it.
    private static let unitScale: [Float] = (0..<256).map { Float($0) / 255 }

    /// Writes one augmented image as `pixel / 255` planes.
    /// - Parameters:
    ///   - planes: the image, 8-bit planes [3, size, size].
    ///   - size: the side length.
    ///   - out: 3 · size² Floats.
    ///   - generator: the source of randomness (drawn from only for the enabled changes).
    public func apply<G: RandomNumberGenerator>(_ planes: [UInt8], size: Int, into out: UnsafeMutablePointer<Float>,
                                                using generator: inout G) {
        let flip = horizontalFlip && Bool.random(using: &generator)
        let dy = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &generator) : 0
        let dx = maxShift > 0 ? Int.random(in: -maxShift...maxShift, using: &generator) : 0
        let z = zoom > 0 ? Float.random(in: (1 - zoom)...1, using: &generator) : 1
        let contrast = photometric > 0 ? Float.random(in: (1 - photometric)...(1 + photometric), using: &generator) : 1
        let brightness = photometric > 0 ? Float.random(in: (-photometric / 2)...(photometric / 2), using: &generator) : 0
        let table = Augmentation.unitScale
        planes.withUnsafeBufferPointer { src in
            if z == 1 {
                // Whole-pixel shift: a copy with edge repetition.
                var columns = [Int](repeating: 0, count: size)
                for x in 0..<size {
                    let sx = min(max(x + dx, 0), size - 1)
                    columns[x] = flip ? size - 1 - sx : sx
                }
                for c in 0..<3 {
                    for y in 0..<size {
                        let row = src.baseAddress! + c * size * size + min(max(y + dy, 0), size - 1) * size
                        let dst = out + (c * size + y) * size
                        for x in 0..<size { dst[x] = table[Int(row[columns[x]])] }
                    }
                }
            } else {
                // Bilinear resampling of the zoomed crop: output pixel centres map to
                // centre + (i + 0.5 − S/2) · z in source coordinates.
                let half = Float(size) / 2
                func taps(_ i: Int, _ shift: Int) -> (Int, Int, Float) {
                    let s = half + Float(shift) + (Float(i) + 0.5 - half) * z - 0.5
                    let f = s.rounded(.down)
                    let a = min(max(Int(f), 0), size - 1), b = min(max(Int(f) + 1, 0), size - 1)
                    return (a, b, s - f)
                }
                let columns = (0..<size).map { x -> (Int, Int, Float) in taps(flip ? size - 1 - x : x, dx) }
                for c in 0..<3 {
                    let plane = src.baseAddress! + c * size * size
                    for y in 0..<size {
                        let (y0, y1, wy) = taps(y, dy)
                        let r0 = plane + y0 * size, r1 = plane + y1 * size
                        let dst = out + (c * size + y) * size
                        for x in 0..<size {
                            let (x0, x1, wx) = columns[x]
                            let top = table[Int(r0[x0])] * (1 - wx) + table[Int(r0[x1])] * wx
                            let bottom = table[Int(r1[x0])] * (1 - wx) + table[Int(r1[x1])] * wx
                            dst[x] = top * (1 - wy) + bottom * wy
                        }
                    }
                }
            }
        }
        if contrast != 1 || brightness != 0 {
            for i in 0..<(3 * size * size) { out[i] = min(max(contrast * out[i] + brightness, 0), 1) }
        }
        if erasing > 0, Float.random(in: 0..<1, using: &generator) < erasing {
            erase(out, size: size, using: &generator)
        }
    }

    /// Fills one random rectangle (2–25 % of the area, aspect ratio 0.3–3.3) with each channel's mean.
    private func erase<G: RandomNumberGenerator>(_ out: UnsafeMutablePointer<Float>, size: Int, using generator: inout G) {
        let area = Float(size * size) * Float.random(in: 0.02...0.25, using: &generator)
        let ratio = exp(Float.random(in: log(Float(0.3))...log(Float(3.3)), using: &generator))
        let h = min(size, max(1, Int((area * ratio).squareRoot().rounded())))
        let w = min(size, max(1, Int((area / ratio).squareRoot().rounded())))
        let top = Int.random(in: 0...(size - h), using: &generator)
        let left = Int.random(in: 0...(size - w), using: &generator)
        for c in 0..<3 {
            let plane = out + c * size * size
            var sum: Float = 0
            for i in 0..<(size * size) { sum += plane[i] }
            let mean = sum / Float(size * size)
            for y in top..<(top + h) {
                for x in left..<(left + w) { plane[y * size + x] = mean }
            }
        }
    }
}
