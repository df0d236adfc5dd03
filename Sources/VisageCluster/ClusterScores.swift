import Foundation

/// How well a grouping matches the truth: pairwise and BCubed precision, recall and F1.
///
/// Pairwise: of the pairs put in one group, the share that are the same person (precision), and
/// of the same-person pairs, the share put in one group (recall). BCubed averages the same two
/// ratios per face (Amigó et al. 2009), so large groups do not dominate.
public struct ClusterScores: Sendable, Equatable, CustomStringConvertible {
    /// Same-person share of the grouped pairs (1 when no pair is grouped).
    public var pairwisePrecision: Double
    /// Grouped share of the same-person pairs (1 when there is none).
    public var pairwiseRecall: Double
    /// BCubed precision.
    public var bcubedPrecision: Double
    /// BCubed recall.
    public var bcubedRecall: Double

    /// The harmonic mean of pairwise precision and recall.
    public var pairwiseF1: Double { Self.f1(pairwisePrecision, pairwiseRecall) }
    /// The harmonic mean of BCubed precision and recall.
    public var bcubedF1: Double { Self.f1(bcubedPrecision, bcubedRecall) }

    /// Compares predicted labels with true labels (one each per face; every distinct value is a
    /// group, so give unassigned faces labels of their own).
    /// - Parameters:
    ///   - predicted: the grouping's labels.
    ///   - truth: the true identities.
    /// - Returns: perfect scores for empty input; only the common prefix is compared.
    public init(predicted: [Int], truth: [Int]) {
        let n = min(predicted.count, truth.count)
        var cells: [Pair: Int] = [:], groupSize: [Int: Int] = [:], classSize: [Int: Int] = [:]
        for i in 0..<n {
            cells[Pair(a: predicted[i], b: truth[i]), default: 0] += 1
            groupSize[predicted[i], default: 0] += 1
            classSize[truth[i], default: 0] += 1
        }
        func pairs(_ k: Int) -> Double { Double(k) * Double(k - 1) / 2 }
        let together = cells.values.reduce(0) { $0 + pairs($1) }
        let grouped = groupSize.values.reduce(0) { $0 + pairs($1) }
        let same = classSize.values.reduce(0) { $0 + pairs($1) }
        pairwisePrecision = grouped > 0 ? together / grouped : 1
        pairwiseRecall = same > 0 ? together / same : 1
        var bp = 0.0, br = 0.0
        for (cell, k) in cells {
            let kk = Double(k) * Double(k)
            bp += kk / Double(groupSize[cell.a]!)
            br += kk / Double(classSize[cell.b]!)
        }
        bcubedPrecision = n > 0 ? bp / Double(n) : 1
        bcubedRecall = n > 0 ? br / Double(n) : 1
    }

    /// The scores on one line.
    public var description: String {
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        return "pairwise P \(f(pairwisePrecision)) R \(f(pairwiseRecall)) F1 \(f(pairwiseF1)); "
            + "BCubed P \(f(bcubedPrecision)) R \(f(bcubedRecall)) F1 \(f(bcubedF1))"
    }

    private static func f1(_ p: Double, _ r: Double) -> Double { p + r > 0 ? 2 * p * r / (p + r) : 0 }

    private struct Pair: Hashable { var a: Int; var b: Int }
}
