import XCTest
import VisageFormats
import VisageModels
import VisageNN
import VisageTraining

final class CheckpointTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("visage-ckpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func trainer(epochs: Int, optimizer: OptimizerKind = .sgd) throws -> Trainer {
        let data = SyntheticIdentitiesTests.syntheticDataset(identities: 6, images: 4, seed: 1)
        let configuration = TrainingConfiguration(epochs: epochs, batch: try BatchShape(identities: 3, imagesPerIdentity: 4),
                                                  optimizer: optimizer, learningRate: 0.05, seed: 11)
        return try Trainer(network: SyntheticIdentitiesTests.smallNetwork(seed: 2), architecture: "small",
                           dataset: data, configuration: configuration)
    }

    func testResumeContinuesExactlyWhereTheRunStopped() throws {
        for optimizer in OptimizerKind.allCases {
            let straight = try trainer(epochs: 4, optimizer: optimizer)
            _ = try straight.run()

            let url = directory.appendingPathComponent("run-\(optimizer).safetensors")
            let first = try trainer(epochs: 4, optimizer: optimizer)
            var batches = 0
            let stopped = try first.run(checkpointURL: url, shouldStop: { batches == 5 }) { event in
                if case .batch = event { batches += 1 }
            }
            XCTAssertTrue(stopped.interrupted)
            XCTAssertEqual(stopped.epochsCompleted, 2)  // two batches per epoch: stopped inside epoch 3

            // The checkpoint saved at the interruption holds epoch 2 and the 5 steps done; resuming
            // from the end-of-epoch-2 state must give the straight run's weights.
            let saved = try Checkpoint.read(url)
            XCTAssertEqual(saved.epoch, 2)
            XCTAssertEqual(saved.step, 5)
            XCTAssertEqual(saved.optimizer, optimizer)

            let url2 = directory.appendingPathComponent("epoch2-\(optimizer).safetensors")
            let twoEpochs = try trainer(epochs: 4, optimizer: optimizer)
            var seen = 0
            _ = try twoEpochs.run(checkpointURL: url2, shouldStop: { seen == 4 }) { event in
                if case .batch = event { seen += 1 }
            }
            let resumed = try trainer(epochs: 4, optimizer: optimizer)
            try resumed.resume(from: Checkpoint.read(url2), label: url2.path)
            XCTAssertEqual(resumed.epoch, 2)
            let rest = try resumed.run()
            XCTAssertEqual(rest.reports.map(\.epoch), [3, 4])
            for (a, b) in zip(resumed.network.parameters, straight.network.parameters) {
                XCTAssertEqual(a.value, b.value, "\(optimizer): \(a.key) differs after resuming")
            }
        }
    }

    func testBestCheckpointKeepsTheFirstEpochWithTheHighestValidationAccuracy() throws {
        let data = SyntheticIdentitiesTests.syntheticDataset(identities: 6, images: 4, seed: 1)
        let held = SyntheticIdentitiesTests.syntheticDataset(identities: 5, images: 3, seed: 7)
        let configuration = TrainingConfiguration(epochs: 6, batch: try BatchShape(identities: 3, imagesPerIdentity: 4),
                                                  optimizer: .sgd, learningRate: 0.05, seed: 11)
        let t = try Trainer(network: SyntheticIdentitiesTests.smallNetwork(seed: 2), architecture: "small", dataset: data,
                            configuration: configuration, validation: ValidationSet(allPairsOf: held))
        let last = directory.appendingPathComponent("last.safetensors")
        let best = directory.appendingPathComponent("best.safetensors")
        var snapshots: [Int: [String: Tensor]] = [:]
        let summary = try t.run(checkpointURL: last, bestCheckpointURL: best) { event in
            if case .epoch(let e) = event {
                snapshots[e.epoch] = Dictionary(uniqueKeysWithValues: t.network.parameters.map { ($0.key, $0.value) })
            }
        }
        let accuracies = summary.reports.map { $0.validation!.accuracy }
        let top = try XCTUnwrap(accuracies.max())
        let epoch = try XCTUnwrap(summary.reports.first { $0.validation!.accuracy == top }?.epoch)
        XCTAssertEqual(t.bestValidationAccuracy, top)
        XCTAssertEqual(t.bestEpoch, epoch)
        let kept = try Checkpoint.read(best)
        XCTAssertEqual(kept.epoch, epoch, "accuracies \(accuracies)")
        XCTAssertEqual(kept.notes[Trainer.accuracyNote].flatMap(Double.init), top)
        for (key, value) in try XCTUnwrap(snapshots[epoch]) { XCTAssertEqual(kept.model[key], value, key) }
        XCTAssertEqual(try Checkpoint.read(last).epoch, 6)
    }

    func testValidationIntervalValidatesEveryNthAndTheLastEpochAndChangesNothingElse() throws {
        let data = SyntheticIdentitiesTests.syntheticDataset(identities: 6, images: 4, seed: 1)
        let held = SyntheticIdentitiesTests.syntheticDataset(identities: 5, images: 3, seed: 7)
        let configuration = TrainingConfiguration(epochs: 5, batch: try BatchShape(identities: 3, imagesPerIdentity: 4),
                                                  optimizer: .adam, learningRate: 0.01, seed: 11)
        func run(interval: Int) throws -> (Trainer, TrainingSummary) {
            let t = try Trainer(network: SyntheticIdentitiesTests.smallNetwork(seed: 2), architecture: "small", dataset: data,
                                configuration: configuration, validation: ValidationSet(allPairsOf: held))
            t.validationInterval = interval
            return (t, try t.run())
        }
        let (every, everySummary) = try run(interval: 1)
        let (third, thirdSummary) = try run(interval: 3)
        XCTAssertEqual(everySummary.reports.filter { $0.validation != nil }.map(\.epoch), [1, 2, 3, 4, 5])
        XCTAssertEqual(thirdSummary.reports.filter { $0.validation != nil }.map(\.epoch), [3, 5])
        // Validation runs in inference mode and draws no random numbers: the weights and the
        // validated epochs' figures are those of the run that validates every epoch.
        for (a, b) in zip(third.network.parameters, every.network.parameters) { XCTAssertEqual(a.value, b.value, a.key) }
        for epoch in [3, 5] {
            XCTAssertEqual(thirdSummary.reports[epoch - 1].validation?.accuracy, everySummary.reports[epoch - 1].validation?.accuracy)
        }
        XCTAssertEqual(thirdSummary.reports.map(\.loss), everySummary.reports.map(\.loss))
    }

    func testCheckpointKeepsModelKeysAndHidesOptimizerState() throws {
        let t = try trainer(epochs: 1, optimizer: .adam)
        _ = try t.run()
        let url = directory.appendingPathComponent("c.safetensors")
        try t.checkpoint(notes: ["note": "x"]).write(to: url)
        let (tensors, metadata) = try Safetensors.read(url)
        XCTAssertEqual(metadata["format"], Checkpoint.formatTag)
        XCTAssertEqual(metadata["note"], "x")
        XCTAssertNotNil(tensors["c1_w"])
        XCTAssertNotNil(tensors["train/optimizer/c1_w/m"])
        let model = try WeightSource(safetensors: url)
        XCTAssertEqual(Set(model.keys), Set(t.network.parameters.map(\.key)))
        let back = try Checkpoint.read(url)
        XCTAssertEqual(back.epoch, 1)
        XCTAssertEqual(back.notes["note"], "x")
    }

    func testResumeRejectsAnotherArchitectureOrOptimizer() throws {
        let t = try trainer(epochs: 1, optimizer: .adam)
        var c = t.checkpoint()
        c.architecture = "other"
        XCTAssertThrowsError(try t.resume(from: c, label: "x")) { error in
            XCTAssertTrue("\(error)".contains("trains other"), "\(error)")
        }
        let sgd = try trainer(epochs: 1, optimizer: .sgd)
        XCTAssertThrowsError(try sgd.resume(from: t.checkpoint(), label: "x")) { error in
            XCTAssertTrue("\(error)".contains("--optimizer adam"), "\(error)")
        }
    }

    func testReadingAnOrdinarySafetensorsFileIsATypedError() throws {
        let url = directory.appendingPathComponent("plain.safetensors")
        try Safetensors.write(tensors: ["a": Tensor(shape: [1], storage: [1])], to: url)
        XCTAssertThrowsError(try Checkpoint.read(url)) { error in
            guard case TrainingError.incompatibleCheckpoint = error else { return XCTFail("\(error)") }
        }
    }
}
