import Foundation
import VisageEval

/// Deterministic synthetic distances for the protocol tests.
enum SyntheticScores {
    /// `count` samples of N(mean, sd²) (Box–Muller on a seeded generator).
    static func normal(_ count: Int, mean: Double, sd: Double, generator: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in
            let u1 = (Double(generator.next() >> 11) + 0.5) / 9_007_199_254_740_992
            let u2 = Double(generator.next() >> 11) / 9_007_199_254_740_992
            return mean + sd * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }

    /// Φ((x − mean) / sd), the normal distribution function.
    static func normalCDF(_ x: Double, mean: Double, sd: Double) -> Double {
        0.5 * erfc(-(x - mean) / (sd * 2.0.squareRoot()))
    }

    /// Genuine then impostor scored pairs.
    static func pairs(genuine: [Double], impostor: [Double]) -> [ScoredPair] {
        genuine.map { ScoredPair(distance: $0, isSame: true) } + impostor.map { ScoredPair(distance: $0, isSame: false) }
    }
}
