import Foundation
import VisageEval
import XCTest

/// The pairs protocol on synthetic distances whose answers are known.
final class ProtocolTests: XCTestCase {
    private func pairs(_ genuine: [Double], _ impostor: [Double]) -> [ScoredPair] {
        SyntheticScores.pairs(genuine: genuine, impostor: impostor)
    }

    func testPerfectlySeparableScores() throws {
        // Ten folds; genuine distances all below 0.5, impostor distances all above 1.
        let folds: [[ScoredPair]] = (0..<10).map { (f: Int) -> [ScoredPair] in
            let genuine: [Double] = (0..<30).map { (j: Int) -> Double in 0.1 + 0.01 * Double((j + f) % 40) }
            let impostor: [Double] = (0..<30).map { (j: Int) -> Double in 1.0 + 0.02 * Double((j * 7 + f) % 30) }
            return pairs(genuine, impostor)
        }
        let cv = try CrossValidation(folds: folds)
        XCTAssertEqual(cv.accuracyMean, 1)
        XCTAssertEqual(cv.accuracyStd, 0)
        for t in cv.thresholds { XCTAssertTrue(t > 0.48 && t < 1.0, "\(t)") }
        let roc = try ROCCurve(pairs: folds.flatMap { $0 })
        XCTAssertEqual(roc.auc, 1)
        XCTAssertEqual(roc.equalErrorRate.rate, 0)
        XCTAssertEqual(roc.equalErrorRate.threshold, (0.48 + 1.0) / 2, accuracy: 1e-12)
        let val = try ValidationRate(folds: folds, targetFAR: 1e-3)
        XCTAssertEqual(val.valMean, 1)
        XCTAssertEqual(val.farMean, 0)
        XCTAssertFalse(val.resolvable)  // 270 training impostors cannot resolve 1e-3
    }

    func testThresholdSearchIsExactAndPrefersTheStrictestTie() throws {
        // Accepting {0.2, 0.4} or {0.2, 0.4, 0.5, 0.6} both classify 5 of 6 correctly.
        let choice = try AccuracyThreshold(bestFor: pairs([0.2, 0.4, 0.6], [0.5, 0.8, 0.9]))
        XCTAssertEqual(choice.threshold, 0.45, accuracy: 1e-12)
        XCTAssertEqual(choice.correct, 5)
        XCTAssertEqual(choice.accuracy, 5.0 / 6.0)
        // All impostors closer than all genuine pairs: accepting nothing is best (τ = smallest distance).
        let inverted = try AccuracyThreshold(bestFor: pairs([0.8, 0.9], [0.1, 0.2, 0.3]))
        XCTAssertEqual(inverted.threshold, 0.1)
        XCTAssertEqual(inverted.correct, 3)
        // Accepting everything: the threshold is just above the largest distance.
        let all = try AccuracyThreshold(bestFor: pairs([0.1, 0.2, 0.3], [0.05]))
        XCTAssertEqual(all.threshold, 0.3.nextUp)
        XCTAssertEqual(all.correct, 3)
        // Equal accuracy after 0.2 and after 0.3: the smaller threshold wins.
        XCTAssertEqual(try AccuracyThreshold(bestFor: pairs([0.1, 0.2, 0.3], [0.25])).threshold, 0.225, accuracy: 1e-12)
        XCTAssertThrowsError(try AccuracyThreshold(bestFor: [])) { XCTAssertEqual($0 as? EvalError, .invalidScores("no pairs to choose a threshold on")) }
        XCTAssertThrowsError(try AccuracyThreshold(bestFor: pairs([.nan], [1])))
    }

    func testCrossValidationHandCase() throws {
        // Fold 1 trains τ = 0.4 (midpoint of 0.2 and 0.6), which misclassifies fold 2's genuine
        // 0.5; fold 2 alone is best classified by accepting nothing (τ = 0.4), which fits fold 1.
        let cv = try CrossValidation(folds: [pairs([0.2], [0.6]), pairs([0.5], [0.4])])
        XCTAssertEqual(cv.thresholds, [0.4, 0.4])
        XCTAssertEqual(cv.folds.map(\.testAccuracy), [1, 0.5])
        XCTAssertEqual(cv.folds.map(\.trainingAccuracy), [0.5, 1])
        XCTAssertEqual(cv.accuracyMean, 0.75)
        XCTAssertEqual(cv.accuracyStd, 0.25)  // population standard deviation
        XCTAssertThrowsError(try CrossValidation(folds: [pairs([0.2], [0.6])]))
        XCTAssertThrowsError(try CrossValidation(folds: [pairs([0.2], [0.6]), []]))
    }

    func testEqualErrorRateIsInterpolated() throws {
        // Genuine {1, 2, 4}, impostor {3, 5}: FAR − FRR changes sign between the points
        // (FAR 0, TAR 2/3) and (FAR 1/2, TAR 2/3); on that segment FAR = FRR = 1/3.
        let roc = try ROCCurve(genuine: [1, 2, 4], impostor: [3, 5])
        XCTAssertEqual(roc.points.map(\.far), [0, 0, 0, 0.5, 0.5, 1])
        XCTAssertEqual(roc.equalErrorRate.rate, 1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(roc.equalErrorRate.threshold, 2.5 + 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(roc.auc, 5.0 / 6.0, accuracy: 1e-12)
        // A tie between a genuine and an impostor distance is one diagonal step.
        let tied = try ROCCurve(genuine: [1, 2], impostor: [2, 3])
        XCTAssertEqual(tied.points.count, 4)
        XCTAssertEqual(tied.equalErrorRate.rate, 0.25, accuracy: 1e-12)
        XCTAssertEqual(tied.auc, 0.875, accuracy: 1e-12)
        // Fully overlapping: chance.
        let chance = try ROCCurve(genuine: [1, 1], impostor: [1, 1])
        XCTAssertEqual(chance.auc, 0.5)
        XCTAssertEqual(chance.equalErrorRate.rate, 0.5)
        XCTAssertThrowsError(try ROCCurve(genuine: [1], impostor: []))
    }

    func testAreaEqualsTheMannWhitneyStatistic() throws {
        var generator = SeededGenerator(seed: 7)
        // Distances on a coarse grid so that many ties occur.
        let genuine = (0..<300).map { _ in Double(generator.uniform(below: 40)) / 10 }
        let impostor = (0..<500).map { _ in Double(generator.uniform(below: 40)) / 10 + 1 }
        var wins = 0.0
        for g in genuine {
            for i in impostor { wins += g < i ? 1 : (g == i ? 0.5 : 0) }
        }
        let roc = try ROCCurve(genuine: genuine, impostor: impostor)
        XCTAssertEqual(roc.auc, wins / Double(genuine.count * impostor.count), accuracy: 1e-12)
        // Rates never decrease and end at (1, 1).
        for (p, q) in zip(roc.points, roc.points.dropFirst()) {
            XCTAssertLessThanOrEqual(p.far, q.far)
            XCTAssertLessThanOrEqual(p.tar, q.tar)
            XCTAssertLessThan(p.threshold, q.threshold)
        }
        XCTAssertEqual(roc.points.last?.far, 1)
        XCTAssertEqual(roc.points.last?.tar, 1)
        // The best point within a FAR limit never exceeds it, and the next point does.
        let point = roc.operatingPoint(maxFAR: 0.05)
        XCTAssertLessThanOrEqual(point.far, 0.05)
        let index = roc.points.firstIndex(of: point)!
        XCTAssertGreaterThan(roc.points[index + 1].far, 0.05)
    }

    func testValidationRateFaceNetStyle() throws {
        // Two folds of 2 genuine + 4 impostor pairs; FAR 0.25 allows one training false accept.
        let folds = [pairs([0.1, 0.5], [0.3, 0.6, 0.7, 0.8]), pairs([0.2, 0.4], [0.35, 0.9, 1.0, 1.1])]
        let val = try ValidationRate(folds: folds, targetFAR: 0.25)
        XCTAssertEqual(val.folds.map(\.threshold), [0.65, 0.55].map { $0 }, accuracy: 1e-12)
        XCTAssertEqual(val.folds.map(\.trainingFAR), [0.25, 0.25])
        XCTAssertEqual(val.folds.map(\.val), [1, 1])
        XCTAssertEqual(val.folds.map(\.far), [0.5, 0.25])
        XCTAssertEqual(val.valMean, 1)
        XCTAssertEqual(val.farMean, 0.375)
        XCTAssertTrue(val.resolvable)
        XCTAssertThrowsError(try ValidationRate(folds: folds, targetFAR: 0))
        XCTAssertThrowsError(try ValidationRate(folds: [pairs([0.1], []), pairs([0.2], [0.3])], targetFAR: 0.1))
    }

    func testAccuracyAtThresholdUsesStrictComparison() {
        let set = pairs([0.5], [0.5])
        XCTAssertEqual(set.accuracy(threshold: 0.5), 0.5)  // 0.5 < 0.5 is false: both rejected
        XCTAssertEqual(set.accuracy(threshold: 0.6), 0.5)
        XCTAssertEqual(pairs([0.4], [0.5]).accuracy(threshold: 0.5), 1)
    }

    func testEmbeddingDistances() throws {
        XCTAssertEqual(try EmbeddingDistance.euclidean([0, 3], [4, 0]), 5)
        XCTAssertEqual(try EmbeddingDistance.cosine([1, 0], [0, 2]), 1, accuracy: 1e-15)
        XCTAssertEqual(try EmbeddingDistance.cosine([1, 1], [2, 2]), 0, accuracy: 1e-15)
        XCTAssertThrowsError(try EmbeddingDistance.euclidean([1], [1, 2]))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
