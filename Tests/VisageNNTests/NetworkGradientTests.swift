import XCTest
import VisageNN

/// Gradient checks through whole small networks, and their export to inference layers.
final class NetworkGradientTests: XCTestCase {
    /// conv → batch norm → ReLU, the unit NN4.small2 is made of.
    private func unit(_ o: Int, _ i: Int, _ k: Int, stride: Int = 1, pad: Int = 0, seed: UInt64) -> Sequential.Trainable {
        let conv = Conv2D(weight: randomTensor([o, i, k, k], seed: seed, range: 0.6), bias: randomTensor([o], seed: seed + 1),
                          stride: (stride, stride), padding: .explicit(Padding(pad)))
        let bn = BatchNorm(channels: o, keys: ("g\(seed)", "b\(seed)", "m\(seed)", "v\(seed)"))
        return Sequential.Trainable([Conv2D.Trainable(conv, weightKey: "w\(seed)", biasKey: "c\(seed)"), bn, ReLU.Trainable()])
    }

    /// A miniature NN4: stem, one Inception block, average pool, dense, L2 normalisation.
    private func miniature() -> Sequential.Trainable {
        Sequential.Trainable([
            unit(4, 3, 3, stride: 2, pad: 1, seed: 10),
            ZeroPad2D.Trainable(Padding(1)), Pool2D.Trainable(.max(3, stride: 2)),
            Branches.Trainable([
                Sequential.Trainable([unit(3, 4, 1, seed: 20), unit(4, 3, 3, pad: 1, seed: 30)]),
                Sequential.Trainable([Pool2D.Trainable(.max(3, stride: 1)), ZeroPad2D.Trainable(Padding(1))]),
                unit(2, 4, 1, seed: 40),
            ]),
            Pool2D.Trainable(.average(2, stride: 1)), Flatten.Trainable(),
            Dense.Trainable(Dense(weight: randomTensor([5, 40], seed: 50, range: 0.3), bias: randomTensor([5], seed: 51)),
                            weightKey: "dw", biasKey: "db"),
            L2Normalize.Trainable(),
        ])
    }

    func testMiniatureInceptionNetwork() {
        let net = miniature()
        let x = randomTensor([4, 3, 12, 12], seed: 3)
        XCTAssertEqual(net.forward(x, mode: .inference).shape, [4, 5])
        // A small step keeps the ReLU and max-pool kinks that batch-normalised activations cross
        // rare; Float rounding then limits agreement to a few per cent.
        let result = GradientCheck.check(net, input: x, step: 1e-3, samplesPerTensor: 12)
        XCTAssertTrue(result.passes(tolerance: 4e-2), "\(result)")
        XCTAssertEqual(result.errors.count, 1 + net.parameters.filter(\.isTrainable).count)
    }

    func testInferenceExportFoldsBatchNormAndMatchesInferenceMode() {
        let net = miniature()
        // Give the running statistics non-trivial values with a few training passes.
        for seed in 0..<3 { _ = net.forward(randomTensor([4, 3, 12, 12], seed: UInt64(seed)), mode: .training) }
        let x = randomTensor([2, 3, 12, 12], seed: 99)
        let expected = net.forward(x, mode: .inference)
        let exported = net.inferenceLayer()
        let first = (exported as! Sequential).layers[0]
        XCTAssertTrue(first is Conv2D, "conv → BN → ReLU should fold into one convolution, got \(type(of: first))")
        XCTAssertEqual((first as! Conv2D).activation, .relu)
        let got = exported.forward(x)
        XCTAssertEqual(got.shape, expected.shape)
        for (a, b) in zip(got.storage, expected.storage) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    func testRunningStatisticsFollowTheBatches() {
        let bn = BatchNorm(channels: 1, keys: ("g", "b", "m", "v"), momentum: 0.5)
        let x = Tensor(shape: [4, 1], storage: [1, 2, 3, 6])  // mean 3, unbiased variance 14/3
        let y = bn.forward(x, mode: .training)
        XCTAssertEqual(bn.runningMean.value.storage[0], 1.5, accuracy: 1e-6)
        XCTAssertEqual(bn.runningVariance.value.storage[0], 0.5 + 0.5 * 14 / 3, accuracy: 1e-5)
        XCTAssertEqual(y.storage.reduce(0, +), 0, accuracy: 1e-5)
        let biased: Float = 3.5
        XCTAssertEqual(y.storage[3], 3 / (biased + 1e-5).squareRoot(), accuracy: 1e-5)
    }
}
