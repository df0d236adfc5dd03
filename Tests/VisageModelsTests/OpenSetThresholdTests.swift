import VisageModels
import XCTest

/// The identify threshold by gallery size: the registry's impostor curve and the rule on it.
final class OpenSetThresholdTests: XCTestCase {
    let rule = OpenSetThreshold.dlibResNet

    func testRegistryCurveIncreasesAndSpansTheVerificationThreshold() throws {
        let points = rule.impostorRates
        XCTAssertGreaterThanOrEqual(points.count, 10)
        for (a, b) in zip(points, points.dropFirst()) {
            XCTAssertLessThan(a.distance, b.distance)
            XCTAssertLessThan(a.rate, b.rate)
        }
        XCTAssertTrue(points.allSatisfy { $0.rate > 0 && $0.rate < 1 })
        // The curve reaches past 0.6 so that small galleries keep the 1:1 threshold.
        let verification = ModelDescriptor.of(.dlibResNet).defaultThreshold
        XCTAssertGreaterThan(try XCTUnwrap(points.last).distance, verification)
        XCTAssertEqual(ModelDescriptor.of(.dlibResNet).openSet, rule)
        XCTAssertNil(ModelDescriptor.of(.faceNet160).openSet)
        XCTAssertNil(ModelDescriptor.of(.openFaceNN4).openSet)
    }

    func testSmallGalleriesKeepTheVerificationThreshold() {
        for people in [-1, 0, 1, 2, 7] {
            XCTAssertEqual(rule.threshold(people: people, verification: 0.6), 0.6, "\(people) people")
        }
        XCTAssertLessThan(rule.threshold(people: 8, verification: 0.6), 0.6)
    }

    func testThresholdFallsWithGallerySizeDownToTheFloor() {
        // 1 − 0.95^(1/20) = 2.56e-3: between the points at 0.56 and 0.57, log-linearly.
        XCTAssertEqual(rule.threshold(people: 20, verification: 0.6), 0.5676, accuracy: 0.0005)
        XCTAssertEqual(rule.threshold(people: 100, verification: 0.6), 0.5148, accuracy: 0.0005)
        XCTAssertEqual(rule.threshold(people: 10_000, verification: 0.6), 0.399, accuracy: 0.001)
        var previous = Float.infinity
        for people in [1, 2, 5, 10, 20, 50, 100, 1_000, 10_000, 100_000, 10_000_000] {
            let t = rule.threshold(people: people, verification: 0.6)
            XCTAssertLessThanOrEqual(t, previous, "\(people) people")
            XCTAssertGreaterThanOrEqual(t, rule.floor)
            previous = t
        }
        XCTAssertEqual(rule.threshold(people: 10_000_000, verification: 0.6), rule.floor)
        XCTAssertEqual(rule.floor, 0.36)
    }

    func testTheRuleHoldsTheStrangerRate() {
        // At t(K) the chance that one of K impostors is closer is the target rate, where the
        // curve has a point exactly at the threshold.
        let point = rule.impostorRates[20]
        let people = Int((log1p(-rule.strangerFalseAcceptRate) / log1p(-point.rate)).rounded())
        let t = rule.threshold(people: people, verification: 1)
        XCTAssertEqual(t, point.distance, accuracy: 0.003)
    }

    func testTheCapIsTheVerificationThreshold() {
        XCTAssertEqual(rule.threshold(people: 20, verification: 0.5), 0.5)
        // Two people: 1 − 0.95^(1/2) = 2.5 % lies between the points at 0.64 and 0.65.
        let two = rule.threshold(people: 2, verification: 0.9)
        XCTAssertTrue((0.64...0.65).contains(two), "\(two)")
        // A rate beyond the curve's last point gives its last distance.
        let loose = OpenSetThreshold(strangerFalseAcceptRate: 0.5, impostorRates: rule.impostorRates)
        XCTAssertEqual(loose.threshold(people: 2, verification: 0.9), try XCTUnwrap(rule.impostorRates.last).distance)
        let empty = OpenSetThreshold(strangerFalseAcceptRate: 0.05, impostorRates: [])
        XCTAssertEqual(empty.threshold(people: 1000, verification: 0.6), 0.6)
        XCTAssertEqual(empty.floor, 0)
    }
}
