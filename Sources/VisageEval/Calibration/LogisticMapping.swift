import Foundation

/// A distance → probability mapping P(same | d) = σ(intercept + slope · d), fitted by Platt
/// scaling (logistic regression on the distance).
///
/// **Fit.** Genuine and impostor pairs are weighted so that each class carries half the total
/// weight, so the fitted probability assumes even prior odds and does not depend on how many
/// pairs of each kind were sampled. Targets are Platt's smoothed labels, (N₊ + 1)/(N₊ + 2) for
/// genuine and 1/(N₋ + 2) for impostor pairs, which keep the fit finite even when the classes
/// are perfectly separated. The weighted log-loss is convex in (intercept, slope) and is
/// minimised by Newton's method with step halving on standardised distances.
///
/// **Why not isotonic regression.** An isotonic fit is a step function that is flat beyond the
/// extreme training distances and needs the whole table stored; the two Platt parameters are
/// monotone, smooth, extrapolate sensibly, and suffice because a verification distance is
/// already a well-ordered score.
public struct LogisticMapping: Equatable, Sendable, Codable {
    /// The log-odds at distance 0 (for even prior odds).
    public let intercept: Double
    /// The change in log-odds per unit of distance (negative for a usable distance).
    public let slope: Double

    /// Creates a mapping from its parameters.
    public init(intercept: Double, slope: Double) {
        self.intercept = intercept
        self.slope = slope
    }

    /// The probability that a pair at `distance` is the same person.
    /// - Parameters:
    ///   - distance: the pair's distance.
    ///   - priorSame: the prior probability of a same-person pair, in (0, 1); 0.5 (even odds)
    ///     gives the fitted mapping, other priors shift its log-odds by log(p / (1 − p)).
    public func probability(distance: Double, priorSame: Double = 0.5) -> Double {
        let prior = min(max(priorSame, 1e-12), 1 - 1e-12)
        return Self.sigmoid(intercept + slope * distance + log(prior / (1 - prior)))
    }

    /// The distance at which the probability is `p` (for even prior odds), or `nil` when the
    /// slope is 0.
    public func distance(atProbability p: Double) -> Double? {
        guard slope != 0, p > 0, p < 1 else { return nil }
        return (log(p / (1 - p)) - intercept) / slope
    }

    /// Fits the mapping.
    /// - Parameters:
    ///   - genuine: same-person distances (at least one).
    ///   - impostor: different-person distances (at least one).
    /// - Throws: ``EvalError/invalidScores(_:)`` for an empty class or a non-finite distance.
    public init(fittingGenuine genuine: [Double], impostor: [Double]) throws {
        guard !genuine.isEmpty, !impostor.isEmpty else {
            throw EvalError.invalidScores("fitting a probability needs genuine and impostor pairs (have \(genuine.count) and \(impostor.count))")
        }
        guard (genuine + impostor).allSatisfy(\.isFinite) else { throw EvalError.invalidScores("a distance is not finite") }
        let all = genuine + impostor
        let mean = all.reduce(0, +) / Double(all.count)
        let spread = (all.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(all.count)).squareRoot()
        let scale = spread > 0 ? spread : 1
        var samples: [(x: Double, target: Double, weight: Double)] = []
        samples.reserveCapacity(all.count)
        let tPlus = (Double(genuine.count) + 1) / (Double(genuine.count) + 2), tMinus = 1 / (Double(impostor.count) + 2)
        for d in genuine { samples.append(((d - mean) / scale, tPlus, 0.5 / Double(genuine.count))) }
        for d in impostor { samples.append(((d - mean) / scale, tMinus, 0.5 / Double(impostor.count))) }
        let (a, b) = Self.newton(samples)
        // Undo the standardisation: a + b (d − mean) / scale.
        self.init(intercept: a - b * mean / scale, slope: b / scale)
    }

    /// Minimises the weighted log-loss of σ(a + b x) against the targets.
    private static func newton(_ samples: [(x: Double, target: Double, weight: Double)]) -> (Double, Double) {
        func loss(_ a: Double, _ b: Double) -> Double {
            samples.reduce(0) { sum, s in
                let z = a + b * s.x
                // −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t z, computed stably.
                return sum + s.weight * (softplus(z) - s.target * z)
            }
        }
        var a = 0.0, b = 0.0, current = loss(a, b)
        for _ in 0..<100 {
            var ga = 0.0, gb = 0.0, haa = 0.0, hab = 0.0, hbb = 0.0
            for s in samples {
                let p = sigmoid(a + b * s.x)
                let r = s.weight * (p - s.target), w = s.weight * max(p * (1 - p), 1e-12)
                ga += r; gb += r * s.x
                haa += w; hab += w * s.x; hbb += w * s.x * s.x
            }
            let det = haa * hbb - hab * hab
            guard det > 0 else { break }
            var da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det
            var step = 1.0, accepted = false
            for _ in 0..<40 {
                let next = loss(a - step * da, b - step * db)
                if next <= current { (a, b, current, accepted) = (a - step * da, b - step * db, next, true); break }
                step /= 2
            }
            da *= step; db *= step
            if !accepted || max(abs(da), abs(db)) < 1e-12 { break }
        }
        return (a, b)
    }

    /// log(1 + eᶻ) without overflow.
    private static func softplus(_ z: Double) -> Double { z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)) }

    /// 1 / (1 + e⁻ᶻ) without overflow.
    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }
}
