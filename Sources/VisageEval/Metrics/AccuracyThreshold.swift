/// The threshold that classifies a set of scored pairs best.
///
/// **Search.** Under the rule `same ⇔ distance < τ` the accuracy only changes when τ passes a
/// distance in the set, so the candidates are one threshold per gap between consecutive
/// distinct distances (their midpoint), plus "accept nothing" (τ = the smallest distance) and
/// "accept everything" (τ just above the largest). Every candidate is scored exactly with one
/// sorted sweep (O(n log n)); no grid is involved. **Ties** between candidates of equal
/// accuracy go to the smallest threshold (the strictest, fewest false accepts).
public struct AccuracyThreshold: Equatable, Sendable, Codable {
    /// The chosen threshold τ.
    public let threshold: Double
    /// How many pairs τ classifies correctly.
    public let correct: Int
    /// How many pairs were scored.
    public let total: Int

    /// The accuracy `correct / total`.
    public var accuracy: Double { Double(correct) / Double(total) }

    /// Finds the best threshold for a set of pairs.
    /// - Parameter pairs: scored pairs (at least one; distances finite).
    /// - Throws: ``EvalError/invalidScores(_:)`` for an empty set or a non-finite distance.
    public init(bestFor pairs: [ScoredPair]) throws {
        guard !pairs.isEmpty else { throw EvalError.invalidScores("no pairs to choose a threshold on") }
        let sweep = DistanceSweep(try pairs.validated())
        // Accepting nothing classifies every impostor correctly.
        var correct = sweep.impostor
        var best = correct, bestK = 0
        for (index, step) in sweep.steps.enumerated() {
            correct += step.genuine - step.impostor
            if correct > best { (best, bestK) = (correct, index + 1) }
        }
        threshold = sweep.threshold(accepting: bestK)
        self.correct = best
        total = pairs.count
    }
}
