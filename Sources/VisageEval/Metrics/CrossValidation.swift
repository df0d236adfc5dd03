/// One fold of a cross-validation: the threshold learnt on the other folds and how it does on
/// this one.
public struct FoldEvaluation: Equatable, Sendable, Codable {
    /// The threshold chosen on the training folds (see ``AccuracyThreshold``).
    public let threshold: Double
    /// Its accuracy on the training folds.
    public let trainingAccuracy: Double
    /// Its accuracy on this (test) fold.
    public let testAccuracy: Double
    /// How many pairs this fold holds.
    public let testPairs: Int
}

/// The LFW "unrestricted" verification protocol: k-fold cross-validation of a distance
/// threshold.
///
/// For each fold in turn, the other k − 1 folds are pooled, the accuracy-maximising threshold is
/// found on them exactly (``AccuracyThreshold``), and that threshold classifies the held-out
/// fold. The reported figure is the mean of the k test accuracies ± their **population**
/// standard deviation (divide by k, as `numpy.std` in FaceNet's and most published LFW
/// evaluations). With LFW View 2 the folds are the ten blocks of `pairs.txt`.
public struct CrossValidation: Equatable, Sendable, Codable {
    /// One entry per fold, in fold order.
    public let folds: [FoldEvaluation]

    /// Runs the protocol.
    /// - Parameter folds: the scored pairs of each fold (at least two non-empty folds).
    /// - Throws: ``EvalError/invalidScores(_:)`` for fewer than two folds, an empty fold, or a
    ///   non-finite distance.
    public init(folds: [[ScoredPair]]) throws {
        guard folds.count >= 2 else { throw EvalError.invalidScores("cross-validation needs at least 2 folds, got \(folds.count)") }
        if let empty = folds.firstIndex(where: \.isEmpty) { throw EvalError.invalidScores("fold \(empty + 1) is empty") }
        for fold in folds { _ = try fold.validated() }
        self.folds = try folds.indices.map { test in
            let training = folds.pooled(leavingOut: test)
            let choice = try AccuracyThreshold(bestFor: training)
            return FoldEvaluation(threshold: choice.threshold, trainingAccuracy: choice.accuracy,
                                  testAccuracy: folds[test].accuracy(threshold: choice.threshold),
                                  testPairs: folds[test].count)
        }
    }

    /// The mean test accuracy over the folds.
    public var accuracyMean: Double { Statistics.mean(folds.map(\.testAccuracy)) }
    /// The population standard deviation of the test accuracies.
    public var accuracyStd: Double { Statistics.populationStd(folds.map(\.testAccuracy)) }
    /// The thresholds chosen for the folds, in fold order.
    public var thresholds: [Double] { folds.map(\.threshold) }
}

extension Array where Element == [ScoredPair] {
    /// All folds but one, pooled: the training set when fold `test` is held out.
    func pooled(leavingOut test: Int) -> [ScoredPair] {
        indices.filter { $0 != test }.flatMap { self[$0] }
    }
}

/// Means and spreads.
public enum Statistics {
    /// The arithmetic mean (0 for no values).
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// The population standard deviation √(Σ(x − mean)² / n) (0 for no values).
    public static func populationStd(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let m = mean(values)
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
    }
}
