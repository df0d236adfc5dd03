import XCTest
import VisageNN
import VisageTestSupport
import VisageTraining

/// NN4.small2 trained from scratch on the AT&T/ORL faces: people 1–30 train, every pair of
/// people 31–40 (4,950 pairs, 450 same) is verified. A short version (30 steps) of the
/// documented 80-step run in docs/training.md.
final class ORLTrainingTests: XCTestCase {
    /// The ORL faces split by subject number: s1…s30 to train, s31…s40 held out.
    static func split() throws -> (train: FaceDataset, heldOut: FaceDataset) {
        let all = try FaceDataset.load(directory: TestData.shared("att-orl-faces"),
                                       inputSize: TrainableArchitecture.openFaceNN4.inputSize)
        func subject(_ identity: FaceDataset.Identity) -> Int { Int(identity.name.dropFirst()) ?? 0 }
        return (all.filter { (1...30).contains(subject($0)) }, all.filter { (31...40).contains(subject($0)) })
    }

    func testShortRunRaisesHeldOutVerification() throws {
        let (train, heldOut) = try Self.split()
        XCTAssertEqual(train.identities.count, 30)
        XCTAssertEqual(heldOut.identities.count, 10)
        var validation = ValidationSet(allPairsOf: heldOut)
        validation.averagesFlips = true
        XCTAssertEqual(validation.pairs.count, 4950)
        XCTAssertEqual(validation.pairs.filter(\.same).count, 450)
        // The same settings as `visage train orl-train --val-dir orl-val --val-flip-average
        // --epochs 6 --batch 6x5 --lr 2e-3 --augment light --seed 1` (docs/training.md).
        let configuration = TrainingConfiguration(
            epochs: 6, batch: try BatchShape(identities: 6, imagesPerIdentity: 5), optimizer: .adam,
            learningRate: 2e-3, schedule: .cosine(floor: 0.01), weightDecay: 5e-4, augmentation: .light, seed: 1)
        let trainer = try Trainer(network: TrainableArchitecture.openFaceNN4.makeNetwork(seed: 1),
                                  architecture: "openface-nn4", dataset: train, configuration: configuration,
                                  validation: validation)
        let before = try XCTUnwrap(validation.evaluate(trainer.network.inferenceLayer()))
        let summary = try trainer.run()
        let losses = summary.reports.map { String(format: "%.3f", $0.loss) }
        let epochs = summary.reports.compactMap(\.validation)
        XCTAssertEqual(summary.steps, 30)
        XCTAssertEqual(epochs.count, 6)
        // One epoch's figure on ten people moves by a few points with the seed and the float
        // summation order (thread count), so the test reads the mean of epochs 2–6 and the best AUC.
        let mean = epochs.dropFirst().map(\.accuracy).reduce(0, +) / Double(epochs.count - 1)
        let bestAUC = epochs.map(\.auc).max() ?? 0
        let trace = "before: \(before); epochs: \(epochs.map { String(format: "%.1f%%/%.3f", 100 * $0.accuracy, $0.auc) }); losses \(losses)"
        XCTAssertGreaterThanOrEqual(mean, ORLRun.shortMeanAccuracy, trace)
        XCTAssertGreaterThanOrEqual(bestAUC, before.auc + ORLRun.shortAUCGain, trace)
        XCTAssertLessThan(summary.reports.last!.loss, 0.7 * summary.reports.first!.loss, trace)
    }
}

/// What the short ORL run must reach. Measured with these settings and flip averaging, seeds 1–3:
/// mean accuracy of epochs 2–6 82.2 / 83.6 / 84.3 %, best AUC 0.926 / 0.914 / 0.929; chance is
/// 50 %. An untrained NN4.small2 already scores about 79 % (AUC 0.86) on these pairs — random
/// convolutions keep much of the pixel similarity — so the test also asks for an AUC gain.
enum ORLRun {
    static let shortMeanAccuracy = 0.80
    static let shortAUCGain = 0.03
}
