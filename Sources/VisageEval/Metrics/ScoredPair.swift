/// A pair's distance and whether it is a same-person ("genuine") pair.
///
/// Throughout VisageEval a pair is **accepted** (declared the same person) when
/// `distance < threshold`, as the course's `verify` does. Smaller distances mean more similar.
public struct ScoredPair: Hashable, Sendable, Codable {
    /// The distance between the two embeddings.
    public var distance: Double
    /// `true` for a same-person pair, `false` for a different-person ("impostor") pair.
    public var isSame: Bool

    /// Creates a scored pair.
    public init(distance: Double, isSame: Bool) {
        self.distance = distance
        self.isSame = isSame
    }
}

extension Array where Element == ScoredPair {
    /// The fraction of pairs classified correctly by the rule `same ⇔ distance < threshold`
    /// (0 for an empty array).
    public func accuracy(threshold: Double) -> Double {
        guard !isEmpty else { return 0 }
        var correct = 0
        for pair in self where (pair.distance < threshold) == pair.isSame { correct += 1 }
        return Double(correct) / Double(count)
    }

    /// Throws unless every distance is finite.
    func validated() throws -> [ScoredPair] {
        if let bad = first(where: { !$0.distance.isFinite }) {
            throw EvalError.invalidScores("distance \(bad.distance) is not a finite number")
        }
        return self
    }
}

/// Distances sorted ascending and grouped by value: the steps of a threshold sweep.
struct DistanceSweep {
    /// One distinct distance value and how many genuine and impostor pairs have it.
    struct Step {
        /// The distance.
        var value: Double
        /// Genuine pairs at this distance.
        var genuine: Int
        /// Impostor pairs at this distance.
        var impostor: Int
    }

    /// The steps, ascending by value.
    let steps: [Step]
    /// Total genuine pairs.
    let genuine: Int
    /// Total impostor pairs.
    let impostor: Int

    /// Sorts and groups; the distances must be finite.
    init(_ pairs: [ScoredPair]) {
        let sorted = pairs.sorted { $0.distance < $1.distance }
        var steps: [Step] = []
        var genuine = 0
        for pair in sorted {
            if pair.isSame { genuine += 1 }
            if let last = steps.last, last.value == pair.distance {
                steps[steps.count - 1].genuine += pair.isSame ? 1 : 0
                steps[steps.count - 1].impostor += pair.isSame ? 0 : 1
            } else {
                steps.append(Step(value: pair.distance, genuine: pair.isSame ? 1 : 0, impostor: pair.isSame ? 0 : 1))
            }
        }
        self.steps = steps
        self.genuine = genuine
        self.impostor = sorted.count - genuine
    }

    /// The threshold that accepts exactly the first `k` steps (`0…steps.count`) under the rule
    /// `distance < threshold`: the first value for `k = 0`, the midpoint between the last
    /// accepted and the first rejected value, and the next representable number above the
    /// largest value for `k = steps.count`.
    func threshold(accepting k: Int) -> Double {
        if k == 0 { return steps[0].value }
        if k == steps.count { return steps[k - 1].value.nextUp }
        let low = steps[k - 1].value, high = steps[k].value
        let mid = low + (high - low) / 2
        return mid > low ? mid : high
    }
}
