import VisageImage

/// Image-quality measurements of an aligned face chip, used by enrolment gating.
///
/// Every value is measured on the central 60 % of the chip (the face itself, without the
/// background and black borders that alignment can bring in), on grey levels
/// 0.299 R + 0.587 G + 0.114 B.
public struct FaceQuality: Sendable, Equatable, Codable {
    /// Variance of the 4-neighbour Laplacian: low for blurry faces.
    public var sharpness: Double
    /// Mean grey level, 0–255.
    public var brightness: Double
    /// Fraction of pixels at ≤ 5 or ≥ 250 (crushed shadows or blown highlights).
    public var clippedFraction: Double

    /// Creates a measurement from its values.
    public init(sharpness: Double, brightness: Double, clippedFraction: Double) {
        self.sharpness = sharpness
        self.brightness = brightness
        self.clippedFraction = clippedFraction
    }

    /// Measures a chip (grey or RGB). A chip whose centre is smaller than 3 × 3 pixels measures as all zero.
    /// - Parameter chip: the aligned face the encoder saw.
    public init(chip: Image) {
        let x0 = chip.width / 5, y0 = chip.height / 5
        let w = chip.width - 2 * x0, h = chip.height - 2 * y0
        guard w >= 3, h >= 3 else { self.init(sharpness: 0, brightness: 0, clippedFraction: 0); return }
        var grey = [Float](repeating: 0, count: w * h)
        let channels = chip.channels
        chip.pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                for x in 0..<w {
                    let i = ((y + y0) * chip.width + x + x0) * channels
                    grey[y * w + x] = channels >= 3
                        ? 0.299 * Float(p[i]) + 0.587 * Float(p[i + 1]) + 0.114 * Float(p[i + 2])
                        : Float(p[i])
                }
            }
        }
        var sum = 0.0, clipped = 0
        for v in grey {
            sum += Double(v)
            if v <= 5 || v >= 250 { clipped += 1 }
        }
        var lapSum = 0.0, lapSquares = 0.0
        grey.withUnsafeBufferPointer { g in
            for y in 1..<(h - 1) {
                for x in 1..<(w - 1) {
                    let i = y * w + x
                    let l = Double(g[i - 1] + g[i + 1] + g[i - w] + g[i + w] - 4 * g[i])
                    lapSum += l
                    lapSquares += l * l
                }
            }
        }
        let n = Double((w - 2) * (h - 2))
        let mean = lapSum / n
        self.init(sharpness: max(0, lapSquares / n - mean * mean), brightness: sum / Double(w * h),
                  clippedFraction: Double(clipped) / Double(w * h))
    }
}
