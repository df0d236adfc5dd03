import XCTest
import VisageFormats
import VisageNN
import VisageTraining

/// A small network learns to separate synthetic identities with the triplet loss.
final class SyntheticIdentitiesTests: XCTestCase {
    /// Identities are random 16 × 16 colour patterns; each image adds noise and a brightness change.
    static func syntheticDataset(identities: Int, images: Int, seed: UInt64) -> FaceDataset {
        var g = SplitMix64(seed: seed)
        let size = 16, count = 3 * size * size
        return FaceDataset(inputSize: size, identities: (0..<identities).map { i in
            let prototype = (0..<count).map { _ in Float.random(in: 40...215, using: &g) }
            let samples = (0..<images).map { _ -> [UInt8] in
                let gain = Float.random(in: 0.85...1.15, using: &g)
                return prototype.map { UInt8(max(0, min(255, $0 * gain + Float.random(in: -25...25, using: &g)))) }
            }
            return FaceDataset.Identity(name: "id\(i)", files: [], images: samples)
        })
    }

    /// conv 3×3/2 → BN → ReLU → conv 3×3/2 → BN → ReLU → global average → dense 16 → L2.
    static func smallNetwork(seed: UInt64) -> Sequential.Trainable {
        var g = SplitMix64(seed: seed)
        func unit(_ i: Int, _ o: Int, _ name: String) -> [any TrainableLayer] {
            let conv = Conv2D(weight: Initialization.heNormal([o, i, 3, 3], using: &g), stride: (2, 2), padding: .explicit(Padding(1)))
            return [Conv2D.Trainable(conv, weightKey: name + "_w"),
                    BatchNorm(channels: o, keys: (name + "_g", name + "_b", name + "_m", name + "_v")), ReLU.Trainable()]
        }
        let dense = Dense(weight: Initialization.lecunNormal([16, 32], using: &g), bias: Tensor(shape: [16]))
        return Sequential.Trainable(unit(3, 16, "c1") + unit(16, 32, "c2") + [
            GlobalAveragePool.Trainable(), Flatten.Trainable(), Dense.Trainable(dense, weightKey: "d_w", biasKey: "d_b"),
            L2Normalize.Trainable(),
        ])
    }

    func testLossFallsToNearZero() throws {
        let data = Self.syntheticDataset(identities: 8, images: 6, seed: 3)
        let configuration = TrainingConfiguration(
            epochs: 30, batch: try BatchShape(identities: 4, imagesPerIdentity: 6), learningRate: 1e-2,
            schedule: .constant, weightDecay: 0, augmentation: .none, seed: 5)
        let trainer = try Trainer(network: Self.smallNetwork(seed: 9), architecture: "small", dataset: data,
                                  configuration: configuration, validation: ValidationSet(allPairsOf: data))
        let before = try XCTUnwrap(trainer.validate())
        var first: StepResult?
        let summary = try trainer.run(onEvent: { event in
            if case .batch(let b) = event, first == nil { first = b.step }
        })
        let last = try XCTUnwrap(summary.reports.last)
        let initial = try XCTUnwrap(first)
        XCTAssertEqual(summary.epochsCompleted, 30)
        XCTAssertEqual(summary.steps, 60)
        XCTAssertGreaterThan(initial.loss, 0.05, "the untrained net should not already separate the identities")
        XCTAssertLessThan(last.loss, 0.01, "mean triplet loss should fall to near zero; reports: \(summary.reports.map(\.loss))")
        XCTAssertLessThan(last.activeFraction, initial.activeFraction)
        let after = try XCTUnwrap(last.validation)
        XCTAssertGreaterThan(after.accuracy, 0.97, "before training: \(before)")
        XCTAssertGreaterThan(after.accuracy, before.accuracy)
    }
}
