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
        let validation = ValidationSet(allPairsOf: heldOut)
        XCTAssertEqual(validation.pairs.count, 4950)
        XCTAssertEqual(validation.pairs.filter(\.same).count, 450)
        // The same settings as `visage train orl-train --val-dir orl-val --epochs 6 --batch 6x5
        // --lr 2e-3 --augment light --seed 1` (docs/training.md).
        let configuration = TrainingConfiguration(
            epochs: 6, batch: try BatchShape(identities: 6, imagesPerIdentity: 5), optimizer: .adam,
            learningRate: 2e-3, schedule: .cosine(floor: 0.01), weightDecay: 5e-4, augmentation: .light, seed: 1)
        let trainer = try Trainer(network: TrainableArchitecture.openFaceNN4.makeNetwork(seed: 1),
                                  architecture: "openface-nn4", dataset: train, configuration: configuration)
        let before = try XCTUnwrap(validation.evaluate(trainer.network.inferenceLayer()))
        let summary = try trainer.run()
        let after = try XCTUnwrap(validation.evaluate(trainer.network.inferenceLayer()))
        let losses = summary.reports.map { String(format: "%.3f", $0.loss) }
        XCTAssertEqual(summary.steps, 30)
        XCTAssertGreaterThanOrEqual(after.accuracy, ORLRun.shortAccuracy, "before: \(before); after: \(after); losses \(losses)")
        XCTAssertGreaterThanOrEqual(after.auc, before.auc + ORLRun.shortAUCGain, "before: \(before); after: \(after)")
        XCTAssertLessThan(summary.reports.last!.loss, 0.7 * summary.reports.first!.loss, "losses \(losses)")
    }
}

/// What the short ORL run must reach (measured with these settings: 82.1 %, AUC 0.885; chance
/// is 50 %). An untrained NN4.small2 already scores 79.2 % (AUC 0.857) on these pairs — random
/// convolutions keep much of the pixel similarity — so the test also asks for an AUC gain.
enum ORLRun {
    static let shortAccuracy = 0.80
    static let shortAUCGain = 0.015
}
