import Foundation
import VisageEval
import XCTest

final class CalibrationTests: XCTestCase {
    func testThresholdAllowsTheOrderStatisticOfTheTarget() throws {
        let impostor = (1...999).map { Double($0) / 100 }  // 0.01 … 9.99
        let genuine = [0.001, 0.002, 0.005, 0.02, 0.5]
        // n = 999, target 1e-3: ⌊0.001 · 1000⌋ − 1 = 0 impostors may be accepted.
        let strict = try Calibration(genuine: genuine, impostor: impostor, targetFAR: 1e-3, model: "synthetic")
        XCTAssertEqual(strict.threshold, 0.0075, accuracy: 1e-12)
        XCTAssertEqual(strict.calibrationFAR, 0)
        XCTAssertEqual(strict.calibrationTAR, 0.6)
        XCTAssertEqual(strict.expectedFAR, 1.0 / 1000)
        // Target 1e-2: nine may be accepted; the threshold sits between 0.09 and 0.10.
        let loose = try Calibration(genuine: genuine, impostor: impostor, targetFAR: 1e-2, model: "synthetic")
        XCTAssertEqual(loose.threshold, 0.095, accuracy: 1e-12)
        XCTAssertEqual(loose.calibrationFAR, 9.0 / 999)
        XCTAssertEqual(loose.expectedFAR, 10.0 / 1000)
        XCTAssertEqual(loose.genuinePairs, 5)
        XCTAssertEqual(loose.impostorPairs, 999)
        // 998 impostor pairs cannot support 1e-3.
        XCTAssertThrowsError(try Calibration(genuine: genuine, impostor: Array(impostor.dropLast()), targetFAR: 1e-3, model: "x")) {
            XCTAssertEqual($0 as? EvalError, .tooFewImpostorPairs(targetFAR: 1e-3, have: 998, need: 999))
        }
        XCTAssertThrowsError(try Calibration(genuine: genuine, impostor: impostor, targetFAR: 0, model: "x"))
    }

    func testExpectedFalseAcceptRateHoldsOnFreshImpostors() throws {
        // Impostor distances ~ N(1, 0.1²): the true FAR of a threshold τ is Φ((τ − 1) / 0.1).
        // Averaged over many calibrations on 2,000 impostors, it must not exceed the 1e-2 target.
        var generator = SeededGenerator(seed: 42)
        var trueFARs: [Double] = []
        for _ in 0..<200 {
            let impostor = SyntheticScores.normal(2000, mean: 1, sd: 0.1, generator: &generator)
            let genuine = SyntheticScores.normal(200, mean: 0.6, sd: 0.1, generator: &generator)
            let c = try Calibration(genuine: genuine, impostor: impostor, targetFAR: 1e-2, model: "synthetic")
            trueFARs.append(SyntheticScores.normalCDF(c.threshold, mean: 1, sd: 0.1))
        }
        let mean = Statistics.mean(trueFARs)
        // Expectation of the order statistic: 20/2001 = 0.009995; the midpoint rule lowers it a
        // little. The mean of 200 runs has a standard error of about 0.00016.
        XCTAssertLessThanOrEqual(mean, 0.0103)
        XCTAssertGreaterThan(mean, 0.0085)
    }

    func testPlattFitRecoversTheGaussianPosterior() throws {
        // Equal-variance Gaussians: log-odds = (μg − μi)/σ² · d + (μi² − μg²)/(2σ²) = −60 d + 54.
        var generator = SeededGenerator(seed: 3)
        let genuine = SyntheticScores.normal(20000, mean: 0.6, sd: 0.1, generator: &generator)
        let impostor = SyntheticScores.normal(40000, mean: 1.2, sd: 0.1, generator: &generator)
        let mapping = try LogisticMapping(fittingGenuine: genuine, impostor: impostor)
        XCTAssertEqual(mapping.slope, -60, accuracy: 3)
        XCTAssertEqual(mapping.intercept, 54, accuracy: 3)
        XCTAssertEqual(mapping.distance(atProbability: 0.5)!, 0.9, accuracy: 0.005)
        XCTAssertEqual(mapping.probability(distance: 0.9), 0.5, accuracy: 0.08)
        // A prior of 0.9 adds log 9 to the log-odds.
        let p = mapping.probability(distance: 0.9, priorSame: 0.9), q = mapping.probability(distance: 0.9)
        XCTAssertEqual(log(p / (1 - p)) - log(q / (1 - q)), log(9), accuracy: 1e-9)
    }

    func testPlattFitStaysFiniteWhenSeparable() throws {
        let mapping = try LogisticMapping(fittingGenuine: [0.1, 0.2, 0.3], impostor: [1.0, 1.1, 1.2, 1.3])
        XCTAssertTrue(mapping.slope.isFinite && mapping.slope < 0)
        XCTAssertGreaterThan(mapping.probability(distance: 0.2), 0.7)
        XCTAssertLessThan(mapping.probability(distance: 1.1), 0.3)
        // Smoothed targets bound the fitted probabilities: (3 + 1)/(3 + 2) = 0.8 at most on average.
        XCTAssertLessThan(mapping.probability(distance: 0.2), 0.95)
        XCTAssertThrowsError(try LogisticMapping(fittingGenuine: [], impostor: [1]))
    }

    func testJSONRoundTripAndLookups() throws {
        var generator = SeededGenerator(seed: 5)
        let genuine = SyntheticScores.normal(500, mean: 0.6, sd: 0.1, generator: &generator)
        let impostor = SyntheticScores.normal(5000, mean: 1.1, sd: 0.12, generator: &generator)
        let c = try Calibration(genuine: genuine, impostor: impostor, targetFAR: 1e-3, model: "facenet-160 centre-crop 1.00")
        let decoded = try Calibration(jsonData: try c.jsonData())
        XCTAssertEqual(decoded, c)
        // Exact at the stored points, in between elsewhere, and the threshold's own rate.
        for p in c.operatingPoints { XCTAssertEqual(c.falseAcceptRate(threshold: p.threshold), p.far) }
        XCTAssertEqual(c.falseAcceptRate(threshold: c.threshold), c.calibrationFAR)
        XCTAssertEqual(c.trueAcceptRate(threshold: c.threshold), c.calibrationTAR)
        XCTAssertEqual(c.falseAcceptRate(threshold: -1), 0)
        XCTAssertEqual(c.falseAcceptRate(threshold: 10), 1)
        let roc = try ROCCurve(genuine: genuine, impostor: impostor)
        let exact = roc.operatingPoint(maxFAR: 0.05)
        XCTAssertEqual(c.falseAcceptRate(threshold: exact.threshold), exact.far, accuracy: 0.01)
        XCTAssertGreaterThan(c.operatingPoints.count, 20)
        XCTAssertLessThan(c.operatingPoints.count, 60)
    }

    func testRejectsBadCalibrationFiles() throws {
        var generator = SeededGenerator(seed: 6)
        let c = try Calibration(genuine: SyntheticScores.normal(50, mean: 0.5, sd: 0.1, generator: &generator),
                                impostor: SyntheticScores.normal(2000, mean: 1, sd: 0.1, generator: &generator),
                                targetFAR: 1e-2, model: "m")
        var object = try JSONSerialization.jsonObject(with: c.jsonData()) as! [String: Any]
        object["formatVersion"] = 2
        XCTAssertThrowsError(try Calibration(jsonData: JSONSerialization.data(withJSONObject: object))) {
            XCTAssertEqual($0 as? EvalError, .badCalibration("format version 2; this build reads version 1"))
        }
        object["formatVersion"] = 1
        object["impostorPairs"] = 0
        XCTAssertThrowsError(try Calibration(jsonData: JSONSerialization.data(withJSONObject: object)))
        XCTAssertThrowsError(try Calibration(jsonData: Data("{\"model\": 1}".utf8))) {
            guard case .badCalibration? = $0 as? EvalError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try Calibration(jsonData: Data([0xff, 0x00])))
    }

    func testFileRoundTrip() throws {
        var generator = SeededGenerator(seed: 8)
        let c = try Calibration(genuine: SyntheticScores.normal(50, mean: 0.5, sd: 0.1, generator: &generator),
                                impostor: SyntheticScores.normal(2000, mean: 1, sd: 0.1, generator: &generator),
                                targetFAR: 1e-2, model: "m")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("visage-calibration-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try c.write(to: url)
        XCTAssertEqual(try Calibration.load(from: url), c)
    }
}
