import Foundation
import VisageFormats

/// Seeded random unit vectors (SplitMix64, Box–Muller), identical on every run and platform.
struct SeededVectors {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    private mutating func next() -> UInt64 { generator.next() }

    /// `count` unit vectors, row-major (Gaussian components, normalised).
    mutating func unitVectors(_ count: Int, dimension: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count * dimension)
        var row = [Double](repeating: 0, count: dimension + 1)
        for r in 0..<count {
            var j = 0
            while j < dimension {
                let u = (Double(next() >> 11) + 1) / 9_007_199_254_740_992  // (0, 1]
                let v = Double(next() >> 11) / 9_007_199_254_740_992
                let radius = (-2 * log(u)).squareRoot(), angle = 2 * Double.pi * v
                row[j] = radius * cos(angle)
                row[j + 1] = radius * sin(angle)
                j += 2
            }
            var norm = 0.0
            for j in 0..<dimension { norm += row[j] * row[j] }
            let scale = 1 / norm.squareRoot()
            for j in 0..<dimension { out[r * dimension + j] = Float(row[j] * scale) }
        }
        return out
    }
}
