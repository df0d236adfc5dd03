import Foundation
import VisageFormats
import VisageModels
import VisageNN
import VisageTestSupport
import XCTest

/// Building MTCNN's networks from facenet-pytorch's checkpoints: strict loading, and the fast
/// forward passes against the declared layers.
final class MTCNNModelTests: XCTestCase {
    private func tensors(_ net: String) throws -> [String: Tensor] {
        let checkpoint = try PyTorchCheckpoint(contentsOf: try TestData.model("mtcnn_\(net).pt"))
        return Dictionary(uniqueKeysWithValues: checkpoint.entries.map { ($0.name, $0.tensor) })
    }

    private func networks() throws -> MTCNN {
        try MTCNN(pnet: try TestData.model("mtcnn_pnet.pt"), rnet: try TestData.model("mtcnn_rnet.pt"),
                  onet: try TestData.model("mtcnn_onet.pt"))
    }

    /// Deterministic values in [−1, 1).
    private func noise(_ shape: [Int], seed: UInt64) -> Tensor {
        var state = seed
        var t = Tensor(shape: shape)
        for i in 0..<t.count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            t.storage[i] = Float(state >> 40) / Float(1 << 23) - 1
        }
        return t
    }

    private func assertClose(_ a: Tensor, _ b: Tensor, _ label: String) {
        XCTAssertEqual(a.shape, b.shape, label)
        let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5, label)
    }

    func testParameterCountsAndShapes() throws {
        let mtcnn = try networks()
        let pnet = mtcnn.pnet.trunk.parameterCount + mtcnn.pnet.classifier.parameterCount + mtcnn.pnet.regressor.parameterCount
        XCTAssertEqual(pnet, 6_632)
        XCTAssertEqual(mtcnn.pnet.trunk.outputShape(for: [1, 3, 12, 12]), [1, 32, 1, 1])
        XCTAssertEqual(mtcnn.rnet.trunk.outputShape(for: [1, 3, 24, 24]), [1, 128])
        XCTAssertEqual(mtcnn.onet.trunk.outputShape(for: [1, 3, 48, 48]), [1, 256])
    }

    func testMissingTensorIsModelLoadError() throws {
        var table = try tensors("rnet")
        table["dense4.bias"] = nil
        XCTAssertThrowsError(try MTCNNRNet(weights: WeightSource(table))) { error in
            XCTAssertEqual(error as? ModelLoadError, .missingTensor(key: "dense4.bias"))
        }
    }

    func testWrongShapeIsModelLoadError() throws {
        var table = try tensors("onet")
        table["conv2.weight"] = Tensor(shape: [64, 32, 2, 2])
        XCTAssertThrowsError(try MTCNNONet(weights: WeightSource(table))) { error in
            XCTAssertEqual(error as? ModelLoadError,
                           .shapeMismatch(key: "conv2.weight", expected: [64, 32, 3, 3], found: [64, 32, 2, 2]))
        }
    }

    func testExtraTensorIsModelLoadError() throws {
        var table = try tensors("pnet")
        table["conv5.weight"] = Tensor(shape: [1])
        XCTAssertThrowsError(try MTCNNPNet(weights: WeightSource(table))) { error in
            XCTAssertEqual(error as? ModelLoadError, .unusedTensors(keys: ["conv5.weight"]))
        }
    }

    func testSwappedCheckpointIsModelLoadError() throws {
        // R-Net's weights given as P-Net's: conv1 has 28 filters, not 10.
        XCTAssertThrowsError(try MTCNN(pnet: try TestData.model("mtcnn_rnet.pt"), rnet: try TestData.model("mtcnn_rnet.pt"),
                                       onet: try TestData.model("mtcnn_onet.pt"))) { error in
            XCTAssertEqual(error as? ModelLoadError,
                           .shapeMismatch(key: "conv1.weight", expected: [10, 3, 3, 3], found: [28, 3, 3, 3]))
        }
    }

    func testTruncatedCheckpointIsFormatError() throws {
        let bytes = try Data(contentsOf: try TestData.model("mtcnn_onet.pt"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("truncated-onet-\(UUID().uuidString).pt")
        try bytes.prefix(bytes.count / 3).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try MTCNN(pnet: try TestData.model("mtcnn_pnet.pt"), rnet: try TestData.model("mtcnn_rnet.pt"),
                                       onet: url)) { error in
            XCTAssertTrue(error is PyTorchFormatError, "\(error)")
        }
    }

    func testStreamedPNetMatchesLayers() throws {
        let pnet = try networks().pnet
        // Odd and even sides, the 12-pixel minimum, and a height spanning several bands.
        for (k, shape) in [[1, 3, 12, 12], [1, 3, 13, 17], [2, 3, 31, 24], [1, 3, 301, 200]].enumerated() {
            let x = noise(shape, seed: UInt64(k + 1))
            let (fast, slow) = (pnet(x), pnet.reference(x))
            assertClose(fast.probability, slow.probability, "probability \(shape)")
            assertClose(fast.regression, slow.regression, "regression \(shape)")
        }
    }

    func testPNetOnPyramidLevelsMatchesOneLevelAtATime() throws {
        let pnet = try networks().pnet
        // Levels of several sizes (split across threads by size) give what each gives alone.
        let shapes = [[1, 3, 120, 97], [1, 3, 60, 49], [1, 3, 12, 12], [1, 3, 33, 70], [1, 3, 250, 31]]
        let levels = shapes.enumerated().map { noise($1, seed: UInt64($0 + 11)) }
        let outputs = pnet(levels: levels)
        XCTAssertEqual(outputs.count, levels.count)
        for (x, out) in zip(levels, outputs) {
            let one = pnet(x)
            XCTAssertEqual(out.probability.shape, one.probability.shape)
            XCTAssertEqual(out.probability.storage, one.probability.storage, "probability \(x.shape)")
            XCTAssertEqual(out.regression.storage, one.regression.storage, "regression \(x.shape)")
        }
    }

    func testBatchedRNetAndONetMatchLayers() throws {
        let mtcnn = try networks()
        // One crop, a batch split unevenly over the threads, and larger batches.
        for (k, n) in [1, 3, 37].enumerated() {
            let r = noise([n, 3, 24, 24], seed: UInt64(7 + k))
            let (rf, rs) = (mtcnn.rnet(r), mtcnn.rnet.reference(r))
            assertClose(rf.probability, rs.probability, "R-Net probability, \(n) crops")
            assertClose(rf.regression, rs.regression, "R-Net regression, \(n) crops")
        }
        for (k, n) in [1, 2, 9].enumerated() {
            let o = noise([n, 3, 48, 48], seed: UInt64(17 + k))
            let (of, os) = (mtcnn.onet(o), mtcnn.onet.reference(o))
            assertClose(of.probability, os.probability, "O-Net probability, \(n) crops")
            assertClose(of.regression, os.regression, "O-Net regression, \(n) crops")
            assertClose(of.landmarks!, os.landmarks!, "O-Net landmarks, \(n) crops")
        }
    }

    func testRNetAndONetCropsAreIndependentOfTheirBatch() throws {
        // Each crop's output is the same whether it runs alone or among others (the crops are
        // side by side in the direct pass: a crop must not read its neighbours).
        let mtcnn = try networks()
        let o = noise([5, 3, 48, 48], seed: 31)
        let all = mtcnn.onet(o)
        for j in [0, 2, 4] {
            let one = mtcnn.onet(Tensor(shape: [1, 3, 48, 48], storage: Array(o.storage[(j * 6912)..<((j + 1) * 6912)])))
            assertClose(Tensor(shape: [1, 10], storage: Array(all.landmarks!.storage[(10 * j)..<(10 * j + 10)])),
                        one.landmarks!, "O-Net landmarks of crop \(j)")
        }
    }
}
