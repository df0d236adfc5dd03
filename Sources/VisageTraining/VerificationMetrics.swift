import Foundation

/// Face verification figures from pair distances: "same person" when distance < threshold.
public struct VerificationMetrics: Sendable, Equatable, CustomStringConvertible {
    /// Same-person pairs.
    public var samePairs: Int
    /// Different-person pairs.
    public var differentPairs: Int
    /// The best balanced accuracy over all thresholds: the mean of the true-accept rate and
    /// the true-reject rate (equal to plain accuracy on balanced pair lists such as LFW's;
    /// 50% is chance whatever the balance).
    public var accuracy: Double
    /// The threshold that reaches ``accuracy``.
    public var threshold: Float
    /// The true-accept rate at the largest threshold whose false-accept rate is at most
    /// ``farTarget`` (FaceNet's VAL@FAR).
    public var validationRate: Double
    /// The false-accept rate target, 1e-3 by default.
    public var farTarget: Double
    /// The area under the ROC curve.
    public var auc: Double

    /// `accuracy 93.1% (threshold 0.812), VAL 41.2% @ FAR 0.001, AUC 0.978 (450 same / 4500 different)`.
    public var description: String {
        func pct(_ v: Double) -> String { String(format: "%.1f%%", 100 * v) }
        return "accuracy \(pct(accuracy)) (threshold \(String(format: "%.3f", threshold))), VAL \(pct(validationRate)) @ FAR \(farTarget), AUC \(String(format: "%.3f", auc)) (\(samePairs) same / \(differentPairs) different)"
    }

    /// Computes the figures.
    /// - Parameters:
    ///   - distances: one distance per pair.
    ///   - same: whether each pair shows one person.
    ///   - farTarget: the false-accept rate of the VAL figure.
    /// - Returns: `nil` when there is no pair of one of the two kinds.
    public static func evaluate(distances: [Float], same: [Bool], farTarget: Double = 1e-3) -> VerificationMetrics? {
        precondition(distances.count == same.count, "\(distances.count) distances for \(same.count) labels")
        let positives = same.filter { $0 }.count, negatives = same.count - positives
        guard positives > 0, negatives > 0 else { return nil }
        let order = distances.indices.sorted { distances[$0] < distances[$1] }
        // Sweep thresholds between consecutive distinct distances: accept everything before.
        var bestAccuracy = 0.5, bestThreshold = order.first.map { distances[$0] } ?? 0
        var accepted = (same: 0, different: 0)
        var aucSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            var tie = (same: 0, different: 0)
            while j < order.count && distances[order[j]] == distances[order[i]] {
                if same[order[j]] { tie.same += 1 } else { tie.different += 1 }
                j += 1
            }
            // Each different pair in this group ranks below the same pairs already accepted (ties count half).
            aucSum += Double(tie.different) * (Double(accepted.same) + 0.5 * Double(tie.same))
            accepted.same += tie.same
            accepted.different += tie.different
            let tar = Double(accepted.same) / Double(positives)
            let trr = 1 - Double(accepted.different) / Double(negatives)
            if (tar + trr) / 2 > bestAccuracy {
                bestAccuracy = (tar + trr) / 2
                bestThreshold = j < order.count ? (distances[order[i]] + distances[order[j]]) / 2 : distances[order[i]].nextUp
            }
            i = j
        }
        let auc = aucSum / (Double(positives) * Double(negatives))
        // VAL@FAR: accept below the (k+1)-th smallest different-pair distance, k = ⌊FAR · negatives⌋.
        let differentSorted = distances.indices.filter { !same[$0] }.map { distances[$0] }.sorted()
        let k = Int(farTarget * Double(negatives))
        let limit = k < differentSorted.count ? differentSorted[k] : Float.infinity
        let val = Double(distances.indices.filter { same[$0] && distances[$0] < limit }.count) / Double(positives)
        return VerificationMetrics(samePairs: positives, differentPairs: negatives, accuracy: bestAccuracy,
                                   threshold: bestThreshold, validationRate: val, farTarget: farTarget, auc: auc)
    }
}
