import XCTest
import VisageFormats
import VisageModels
import VisageNN
import VisageTestSupport

/// The trainable NN4.small2 is the same network as the inference one.
final class NN4TrainableTwinTests: XCTestCase {
    private func weights() throws -> WeightSource {
        let dir = try TestData.shared("openface-nn4.small2.v1-csv")
        return WeightSource(try OpenFaceCSV.load(directory: dir, missing: .fillDeterministic).tensors)
    }

    private func input(_ n: Int) -> Tensor {
        Tensor(shape: [n, 3, 96, 96], storage: (0..<(n * 3 * 96 * 96)).map { Float(($0 * 7919) % 256) / 255 })
    }

    func testTrainableTwinLoadsTheSameWeightsAndComputesTheSameEmbeddings() throws {
        var generator = SplitMix64(seed: 1)
        let twin = OpenFaceNN4Small2.trainable(using: &generator)
        var source = try weights()
        try twin.load(from: &source)
        try source.finish(ignoring: ["inception_5a_3x3_conv2_m", "inception_5a_3x3_conv2_v"])
        let reference = try OpenFaceNN4Small2(weights: weights())
        XCTAssertEqual(twin.parameters.reduce(0) { $0 + $1.value.count }, reference.storedParameterCount)
        let x = input(2)
        let expected = reference.network.forward(x)
        for got in [twin.forward(x, mode: .inference), twin.inferenceLayer().forward(x)] {
            XCTAssertEqual(got.shape, [2, 128])
            for (a, b) in zip(got.storage, expected.storage) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
        // A checkpoint of the twin rebuilds the inference network exactly.
        let rebuilt = try OpenFaceNN4Small2(weights: WeightSource(Dictionary(uniqueKeysWithValues: twin.namedTensors)))
        XCTAssertEqual(rebuilt.network.forward(x).storage, expected.storage)
    }
}
