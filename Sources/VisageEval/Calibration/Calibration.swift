import Foundation

/// A verification threshold with a known false-accept rate, and a distance → probability
/// mapping, fitted on genuine and impostor distances of one model. Stored as JSON next to a
/// gallery or model so that `verify` and `identify` can report probabilities and the
/// false-accept rate of the threshold in use.
///
/// **Threshold for a target FAR.** With n impostor distances sorted i₍₁₎ ≤ … ≤ i₍ₙ₎, the threshold
/// accepts at most k = ⌊target · (n + 1)⌋ − 1 of them: it is the midpoint just below i₍ₖ₊₁₎
/// (``ROCCurve/operatingPoint(maxFalseAccepts:)``). For a new impostor pair from the same
/// population, P(d < i₍ₖ₊₁₎) has expectation (k + 1)/(n + 1) ≤ target (an order statistic of n
/// samples), so the *expected* false-accept rate on unseen pairs is at most the target, not just
/// the rate on the calibration pairs. This needs n ≥ 1/target − 1 impostor pairs
/// (999 for 1e-3); fewer is an error.
public struct Calibration: Equatable, Sendable, Codable {
    /// The JSON format version this code reads and writes.
    public static let currentFormatVersion = 1

    /// The format version of the stored JSON.
    public let formatVersion: Int
    /// Which model (and options) produced the distances, e.g. `"facenet-160"`.
    public let model: String
    /// The false-accept rate the threshold was chosen for.
    public let targetFAR: Double
    /// The threshold: same person when distance < threshold.
    public let threshold: Double
    /// The expected false-accept rate of ``threshold`` on unseen impostor pairs, (k + 1)/(n + 1).
    public let expectedFAR: Double
    /// The false-accept rate of ``threshold`` on the calibration pairs.
    public let calibrationFAR: Double
    /// The true-accept rate of ``threshold`` on the calibration pairs.
    public let calibrationTAR: Double
    /// Number of genuine pairs used.
    public let genuinePairs: Int
    /// Number of impostor pairs used.
    public let impostorPairs: Int
    /// Area under the ROC curve of the calibration pairs.
    public let auc: Double
    /// Equal error rate of the calibration pairs.
    public let eer: Double
    /// The fitted distance → probability mapping.
    public let mapping: LogisticMapping
    /// A subset of the ROC curve (about ten points per decade of FAR, thresholds ascending) used
    /// by ``falseAcceptRate(threshold:)``.
    public let operatingPoints: [ROCPoint]

    /// Calibrates on genuine and impostor distances.
    /// - Parameters:
    ///   - genuine: same-person distances.
    ///   - impostor: different-person distances (at least 1/`targetFAR` − 1 of them).
    ///   - targetFAR: the false-accept rate to guarantee in expectation, in (0, 1).
    ///   - model: a label stored with the calibration.
    /// - Throws: ``EvalError/invalidArgument(_:)``, ``EvalError/invalidScores(_:)`` or
    ///   ``EvalError/tooFewImpostorPairs(targetFAR:have:need:)``.
    public init(genuine: [Double], impostor: [Double], targetFAR: Double = 1e-3, model: String) throws {
        guard targetFAR > 0, targetFAR < 1 else { throw EvalError.invalidArgument("target FAR \(targetFAR) is not in (0, 1)") }
        let roc = try ROCCurve(genuine: genuine, impostor: impostor)
        let n = roc.impostorCount
        let allowed = Int((targetFAR * Double(n + 1) + 1e-9).rounded(.down)) - 1
        guard allowed >= 0 else {
            throw EvalError.tooFewImpostorPairs(targetFAR: targetFAR, have: n, need: Int((1 / targetFAR).rounded(.up)) - 1)
        }
        let point = roc.operatingPoint(maxFalseAccepts: allowed)
        formatVersion = Self.currentFormatVersion
        self.model = model
        self.targetFAR = targetFAR
        threshold = point.threshold
        expectedFAR = Double(allowed + 1) / Double(n + 1)
        calibrationFAR = point.far
        calibrationTAR = point.tar
        genuinePairs = roc.genuineCount
        impostorPairs = n
        auc = roc.auc
        eer = roc.equalErrorRate.rate
        mapping = try LogisticMapping(fittingGenuine: genuine, impostor: impostor)
        operatingPoints = Self.table(roc, including: point)
    }

    /// The probability that a pair at `distance` is the same person (see ``LogisticMapping``).
    /// - Parameters:
    ///   - distance: the pair's distance.
    ///   - priorSame: the prior probability of a same-person pair (0.5 = even odds).
    public func probability(distance: Double, priorSame: Double = 0.5) -> Double {
        mapping.probability(distance: distance, priorSame: priorSame)
    }

    /// The false-accept rate, on the calibration pairs, of the rule `distance < threshold`:
    /// exact at the stored operating points, linearly interpolated between them, and clamped to
    /// the first and last point outside them.
    public func falseAcceptRate(threshold t: Double) -> Double { interpolate(t, \.far) }

    /// The true-accept rate, on the calibration pairs, of the rule `distance < threshold`
    /// (interpolated as ``falseAcceptRate(threshold:)``).
    public func trueAcceptRate(threshold t: Double) -> Double { interpolate(t, \.tar) }

    private func interpolate(_ t: Double, _ value: KeyPath<ROCPoint, Double>) -> Double {
        guard let first = operatingPoints.first, let last = operatingPoints.last else { return .nan }
        if t <= first.threshold { return first[keyPath: value] }
        if t >= last.threshold { return last[keyPath: value] }
        let upper = operatingPoints.firstIndex { $0.threshold > t } ?? operatingPoints.count - 1
        let p = operatingPoints[upper - 1], q = operatingPoints[upper]
        let f = (t - p.threshold) / (q.threshold - p.threshold)
        return p[keyPath: value] + f * (q[keyPath: value] - p[keyPath: value])
    }

    /// The points kept for lookups: the best point at ten FAR levels per decade from 1/n to 1,
    /// the accept-nothing point and the chosen point.
    private static func table(_ roc: ROCCurve, including chosen: ROCPoint) -> [ROCPoint] {
        var kept = [roc.points[0], chosen, roc.points[roc.points.count - 1]]
        let lowest = log10(1 / Double(roc.impostorCount))
        var level = 0.0
        while level >= lowest - 0.1 {
            kept.append(roc.operatingPoint(maxFAR: pow(10, level)))
            level -= 0.1
        }
        var seen = Set<Double>()
        return kept.sorted { $0.threshold < $1.threshold }.filter { seen.insert($0.threshold).inserted }
    }
}
