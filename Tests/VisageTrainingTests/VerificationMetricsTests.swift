import XCTest
import VisageTraining

final class VerificationMetricsTests: XCTestCase {
    func testPerfectSeparation() throws {
        let m = try XCTUnwrap(VerificationMetrics.evaluate(distances: [0.1, 0.2, 0.8, 0.9, 1.0], same: [true, true, false, false, false]))
        XCTAssertEqual(m.accuracy, 1)
        XCTAssertEqual(m.auc, 1)
        XCTAssertEqual(m.validationRate, 1)
        XCTAssertEqual(m.threshold, 0.5, accuracy: 1e-6)
        XCTAssertEqual(m.samePairs, 2)
        XCTAssertEqual(m.differentPairs, 3)
    }

    func testBalancedAccuracyAndAUCByHand() throws {
        // Sorted: S 0.1, D 0.2, S 0.3, D 0.4. Threshold after 0.3: TAR 1, TRR 0.5 → 0.75;
        // after 0.1: TAR 0.5, TRR 1 → 0.75 (first found wins). AUC: 3 of 4 (same, different) pairs ordered.
        let m = try XCTUnwrap(VerificationMetrics.evaluate(distances: [0.3, 0.2, 0.1, 0.4], same: [true, false, true, false]))
        XCTAssertEqual(m.accuracy, 0.75)
        XCTAssertEqual(m.threshold, 0.15, accuracy: 1e-6)
        XCTAssertEqual(m.auc, 0.75)
        // FAR 0.001 of 2 different pairs allows none: accept below 0.2 → one of two same pairs.
        XCTAssertEqual(m.validationRate, 0.5)
    }

    func testChanceAndDegenerate() throws {
        let m = try XCTUnwrap(VerificationMetrics.evaluate(distances: [1, 1, 1, 1], same: [true, false, true, false]))
        XCTAssertEqual(m.accuracy, 0.5)
        XCTAssertEqual(m.auc, 0.5)
        XCTAssertNil(VerificationMetrics.evaluate(distances: [1, 2], same: [true, true]))
    }
}
