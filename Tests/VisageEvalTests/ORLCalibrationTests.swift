import Foundation
import Visage
import VisageEval
import VisageImage
import VisageModels
import VisageTestSupport
import XCTest

/// Calibration on AT&T/ORL faces with the course's FaceNet-160 (centred 92×92 crop): fit on
/// people s1–s30, check on held-out people that the stated false-accept rate holds.
///
/// **What is testable.** The 30 fitting people give 43,500 impostor pairs; 10 held-out people
/// give 4,500 impostor pairs but only 45 *person pairs*, and false accepts cluster in
/// look-alike pairs of people, so a held-out FAR varies far more than a binomial count would.
/// A 1e-3 target expects 4.5 held-out false accepts: too few to test (it is reported: 3 of 4,500
/// for s31–s40). The tests use 1e-2 (45 expected):
/// - s31–s40 held out (the split the issue names): held-out FAR within [target / 4, 2 · target].
///   The width is set by the spread between splits: over 20 random 30/10 splits the held-out
///   FAR ranged 0.0002–0.029 (sd 0.0087), so one split can only bound gross errors.
/// - The mean over 20 seeded random 30/10 splits (sd of the mean ≈ 0.0087 / √20 ≈ 0.002) must
///   lie within [0.5 · target, 1.5 · target], ±2.5 standard errors: a threshold whose real FAR
///   were off by half or more would fail. Measured: 0.0091 (expected ≤ 0.01 by construction).
final class ORLCalibrationTests: XCTestCase {
    /// Embeddings of the 400 images, person-major (s1/1 … s40/10), computed once.
    private static var cached: [[Float]]?

    private func embeddings() throws -> [[Float]] {
        if let cached = Self.cached { return cached }
        let root = try TestData.shared("att-orl-faces")
        _ = try TestData.model("facenet_keras.h5")
        let encoder = try EncoderLoader(store: ModelStore(directory: TestData.modelDirectory)).courseEncoder(.faceNet160, weights: nil)
        var faces: [Image] = []
        for person in 1...40 {
            for n in 1...10 {
                let photo = try Image.load(path: root.appendingPathComponent("s\(person)/\(n).pgm").path)
                // The centred square of the shorter side (92×92 of 92×112), as `visage calibrate` does.
                let side = min(photo.width, photo.height)
                let crop = photo.cropped(x: (photo.width - side) / 2, y: (photo.height - side) / 2, width: side, height: side)
                faces.append(try crop.resized(width: 160, height: 160, filter: .bilinear))
            }
        }
        let vectors = try encoder.encode(faces)
        Self.cached = vectors
        return vectors
    }

    /// Genuine and impostor distances among the given people (1-based).
    private func distances(_ people: [Int], _ vectors: [[Float]]) throws -> (genuine: [Double], impostor: [Double]) {
        let indices = people.flatMap { p in ((p - 1) * 10)..<(p * 10) }
        let sampler = PairSampler(labels: indices.map { $0 / 10 })
        let d = { (pair: IndexPair) in try EmbeddingDistance.euclidean(vectors[indices[pair.first]], vectors[indices[pair.second]]) }
        return (try sampler.genuinePairs().map(d), try sampler.impostorPairs().map(d))
    }

    private func heldOutFAR(_ c: Calibration, _ impostor: [Double]) -> Double {
        Double(impostor.filter { $0 < c.threshold }.count) / Double(impostor.count)
    }

    func testStatedFalseAcceptRateHoldsOnHeldOutPeople() throws {
        let vectors = try embeddings()
        let fit = try distances(Array(1...30), vectors), held = try distances(Array(31...40), vectors)
        XCTAssertEqual(fit.impostor.count, 43_500)
        XCTAssertEqual(held.impostor.count, 4500)
        let target = 1e-2
        let c = try Calibration(genuine: fit.genuine, impostor: fit.impostor, targetFAR: target, model: "facenet-160 centre-crop 1.00")
        let far = heldOutFAR(c, held.impostor)
        let tar = Double(held.genuine.filter { $0 < c.threshold }.count) / Double(held.genuine.count)
        print(String(format: "ORL s31–s40 at FAR 1e-2: threshold %.4f, held-out FAR %.5f, TAR %.4f (fit TAR %.4f, AUC %.4f, EER %.4f)",
                     c.threshold, far, tar, c.calibrationTAR, c.auc, c.eer))
        XCTAssertLessThanOrEqual(far, 2 * target)
        XCTAssertGreaterThanOrEqual(far, target / 4)
        XCTAssertLessThanOrEqual(c.expectedFAR, target)
        // The probability mapping: decreasing, and on held-out people it separates the classes
        // better than chance (balanced log-loss below log 2) and is not overconfident where wrong.
        XCTAssertLessThan(c.mapping.slope, 0)
        let loss = { (ds: [Double], same: Bool) -> Double in
            ds.reduce(0) { $0 - log(max(1e-12, same ? c.probability(distance: $1) : 1 - c.probability(distance: $1))) } / Double(ds.count)
        }
        let balancedLoss = (loss(held.genuine, true) + loss(held.impostor, false)) / 2
        print(String(format: "held-out balanced log-loss %.4f (chance %.4f)", balancedLoss, log(2.0)))
        XCTAssertLessThan(balancedLoss, 0.5 * log(2.0))

        // The 1e-3 threshold (42 of 43,500 fitting impostors accepted): report what it does.
        let strict = try Calibration(genuine: fit.genuine, impostor: fit.impostor, targetFAR: 1e-3, model: "x")
        print(String(format: "at FAR 1e-3: threshold %.4f, held-out false accepts %d of 4500, held-out TAR %.4f",
                     strict.threshold, held.impostor.filter { $0 < strict.threshold }.count,
                     Double(held.genuine.filter { $0 < strict.threshold }.count) / 450))
        XCTAssertLessThan(strict.threshold, c.threshold)
    }

    func testStatedFalseAcceptRateHoldsOnAverageOverRandomSplits() throws {
        let vectors = try embeddings()
        let target = 1e-2
        var generator = SeededGenerator(seed: 2024)
        var fars: [Double] = []
        for _ in 0..<20 {
            var people = Array(1...40)
            for i in 0..<10 { people.swapAt(i, i + Int(generator.uniform(below: UInt64(40 - i)))) }
            let heldPeople = Array(people[0..<10]), fitPeople = Array(people[10...])
            let fit = try distances(fitPeople, vectors), held = try distances(heldPeople, vectors)
            let c = try Calibration(genuine: fit.genuine, impostor: fit.impostor, targetFAR: target, model: "x")
            fars.append(heldOutFAR(c, held.impostor))
        }
        let mean = Statistics.mean(fars), spread = Statistics.populationStd(fars)
        print(String(format: "held-out FAR at 1e-2 over 20 random 30/10 splits: mean %.5f, sd %.5f, min %.5f, max %.5f",
                     mean, spread, fars.min()!, fars.max()!))
        XCTAssertLessThanOrEqual(mean, 1.5 * target)
        XCTAssertGreaterThanOrEqual(mean, 0.5 * target)
    }
}
