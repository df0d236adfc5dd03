import Dispatch
import Foundation
import VisageFormats
import VisageNN

/// Trains an encoder with the triplet loss on P × K batches with online mining.
///
/// One step: forward the batch in training mode, mine triplets among its embeddings
/// (``TripletMiner``), take the gradient of the mean triplet loss, back-propagate it, and
/// update the parameters. Batch order, augmentation and mining draw from a generator seeded
/// by the configuration's seed and the epoch, so a resumed run replays the same epochs.
public final class Trainer {
    /// The network being trained.
    public let network: any TrainableLayer
    /// The architecture's name, stored in checkpoints.
    public let architecture: String
    /// The training images.
    public let dataset: FaceDataset
    /// The run's settings.
    public let configuration: TrainingConfiguration
    /// Pairs verified at the end of every epoch, if any.
    public var validation: ValidationSet?
    /// Validate after every this many epochs (and always after the last one); at least 1.
    public var validationInterval = 1
    /// The optimiser and its state.
    public private(set) var optimizer: any Optimizer
    /// Completed epochs.
    public private(set) var epoch = 0
    /// The highest validation accuracy of an epoch so far (the one kept at `run`'s
    /// `bestCheckpointURL`), or `nil` before the first validated epoch.
    public var bestValidationAccuracy: Double?
    /// The epoch (1-based) that reached ``bestValidationAccuracy``.
    public var bestEpoch: Int?
    /// The batch sampler.
    public let sampler: BatchSampler
    /// The triplet miner.
    public let miner: TripletMiner
    private let parameters: [Parameter]

    /// Prepares a run.
    /// - Parameters:
    ///   - network: the trainable network, [N, 3, S, S] → [N, D].
    ///   - architecture: the name saved in checkpoints.
    ///   - dataset: the training identities.
    ///   - configuration: the settings.
    ///   - validation: pairs to verify after every epoch.
    /// - Throws: ``TrainingError/notEnoughIdentities(path:found:needed:)``.
    public init(network: any TrainableLayer, architecture: String, dataset: FaceDataset,
                configuration: TrainingConfiguration, validation: ValidationSet? = nil) throws {
        self.network = network
        self.architecture = architecture
        self.dataset = dataset
        self.configuration = configuration
        self.validation = validation
        sampler = try BatchSampler(dataset: dataset, shape: configuration.batch)
        miner = TripletMiner(alpha: configuration.alpha, selection: configuration.negatives)
        optimizer = configuration.optimizer.make(weightDecay: configuration.weightDecay)
        parameters = network.parameters
    }

    /// Optimiser updates applied so far.
    public var step: Int { optimizer.stepCount }

    /// The learning rate of the next update.
    public var learningRate: Float {
        let perEpoch = sampler.batchesPerEpoch
        return configuration.learningRate * configuration.schedule.multiplier(
            step: step, stepsPerEpoch: perEpoch, totalSteps: perEpoch * configuration.epochs,
            warmupSteps: perEpoch * configuration.warmupEpochs)
    }

    /// One optimisation step on a batch.
    /// - Parameters:
    ///   - images: [B, 3, S, S] inputs.
    ///   - labels: B identity labels.
    ///   - generator: randomness for random negative selection.
    public func train<G: RandomNumberGenerator>(images: Tensor, labels: [Int], using generator: inout G) -> StepResult {
        for p in parameters { p.zeroGradient() }
        let embeddings = network.forward(images, mode: .training)
        let triplets = miner.mine(embeddings: embeddings, labels: labels, using: &generator)
        let (terms, gradient) = miner.lossAndGradient(embeddings: embeddings, triplets: triplets)
        _ = network.backward(gradient)
        let rate = learningRate
        optimizer.step(parameters, learningRate: rate)
        return StepResult(loss: terms.loss / Float(max(triplets.count, 1)), activeFraction: terms.activeFraction,
                          triplets: triplets.count, learningRate: rate)
    }

    /// Whether `run` validates after this epoch (1-based): every ``validationInterval`` epochs
    /// and after the last.
    public func validatesAfter(epoch: Int) -> Bool {
        epoch % max(validationInterval, 1) == 0 || epoch == configuration.epochs
    }

    /// Verifies the validation pairs with the current weights (batch norms in inference mode).
    public func validate() -> VerificationMetrics? {
        validation?.evaluate(network.inferenceLayer(), batchSize: configuration.batch.size)
    }

    /// The current state as a checkpoint.
    /// - Parameter notes: extra metadata.
    public func checkpoint(notes: [String: String] = [:]) -> Checkpoint {
        var n = notes
        n["batch"] = configuration.batch.description
        n["alpha"] = String(configuration.alpha)
        n["negatives"] = configuration.negatives.rawValue
        n["seed"] = String(configuration.seed)
        return Checkpoint(architecture: architecture, epoch: epoch, step: step, optimizer: configuration.optimizer,
                          model: Dictionary(parameters.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }),
                          optimizerState: optimizer.state, notes: n)
    }

    /// The checkpoint note holding an epoch's validation accuracy (a decimal fraction).
    public static let accuracyNote = "validation_accuracy"

    /// Continues from a checkpoint: weights, running statistics, optimiser state and position.
    /// - Parameters:
    ///   - checkpoint: a checkpoint of the same architecture and optimiser.
    ///   - label: the checkpoint's name for error messages.
    /// - Throws: ``TrainingError/incompatibleCheckpoint(path:reason:)``.
    public func resume(from checkpoint: Checkpoint, label: String) throws {
        func fail(_ reason: String) -> TrainingError { .incompatibleCheckpoint(path: label, reason: reason) }
        guard checkpoint.architecture == architecture else { throw fail("it trains \(checkpoint.architecture), not \(architecture)") }
        guard checkpoint.optimizer == configuration.optimizer else {
            throw fail("it was trained with \(checkpoint.optimizer.rawValue); pass --optimizer \(checkpoint.optimizer.rawValue)")
        }
        var sizes: [String: Int] = [:]
        for p in parameters {
            guard let t = checkpoint.model[p.key] else { throw fail("the tensor \(p.key) is missing") }
            guard t.shape == p.value.shape else { throw fail("\(p.key) has shape \(t.shape), the network needs \(p.value.shape)") }
            sizes[p.key] = p.value.count
        }
        for (key, tensor) in checkpoint.optimizerState {
            guard let slash = key.lastIndex(of: "/"), let size = sizes[String(key[..<slash])], size == tensor.count else {
                throw fail("optimizer state \(key) does not match the network")
            }
        }
        for p in parameters { p.value = checkpoint.model[p.key]! }
        try optimizer.restore(checkpoint.optimizerState, stepCount: checkpoint.step)
        epoch = checkpoint.epoch
    }

    /// Trains until the configured number of epochs or until `shouldStop` returns true.
    ///
    /// After every epoch a checkpoint is written to `checkpointURL` when it is given. After every
    /// ``validationInterval``-th epoch and the last, the validation pairs are verified too, and
    /// when `bestCheckpointURL` is given, the validated epoch whose
    /// validation accuracy beats ``bestValidationAccuracy`` is also written there (the first
    /// validated epoch always is). When `shouldStop` becomes true (checked between batches)
    /// the current weights are saved at once and the run ends; the checkpoint records the
    /// completed epochs, so resuming repeats the interrupted epoch.
    /// - Parameters:
    ///   - checkpointURL: where checkpoints are written (atomically), or `nil`.
    ///   - bestCheckpointURL: where the best validated epoch is kept, or `nil`.
    ///   - shouldStop: polled between batches (e.g. set by Ctrl-C).
    ///   - onEvent: called after every batch and epoch.
    /// - Throws: `SafetensorsError` when a checkpoint cannot be written.
    public func run(checkpointURL: URL? = nil, bestCheckpointURL: URL? = nil, shouldStop: () -> Bool = { false },
                    onEvent: (TrainingEvent) -> Void = { _ in }) throws -> TrainingSummary {
        var reports: [EpochReport] = []
        let epochs = configuration.epochs
        let perEpoch = sampler.batchesPerEpoch
        while epoch < epochs {
            var generator = SplitMix64(seed: configuration.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(epoch + 1))
            let batches = sampler.epoch(using: &generator)
            let start = DispatchTime.now().uptimeNanoseconds
            var lossSum: Float = 0, activeSum: Float = 0, images = 0
            for (i, refs) in batches.enumerated() {
                if shouldStop() {
                    if let url = checkpointURL { try checkpoint(notes: ["interrupted": "epoch \(epoch + 1) batch \(i + 1)"]).write(to: url) }
                    return TrainingSummary(epochsCompleted: epoch, steps: step, interrupted: true, reports: reports)
                }
                let x = dataset.batch(refs, augmentation: configuration.augmentation, using: &generator)
                let result = train(images: x, labels: refs.map(\.identity), using: &generator)
                lossSum += result.loss
                activeSum += result.activeFraction
                images += refs.count
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let perBatch = seconds / Double(i + 1)
                let remaining = Double(batches.count - i - 1 + (epochs - epoch - 1) * perEpoch) * perBatch
                onEvent(.batch(BatchProgress(epoch: epoch + 1, epochs: epochs, batch: i + 1, batchesPerEpoch: batches.count,
                                             step: result, imagesPerSecond: Double(images) / seconds,
                                             secondsRemaining: remaining)))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            epoch += 1
            let report = EpochReport(epoch: epoch, loss: lossSum / Float(max(batches.count, 1)),
                                     activeFraction: activeSum / Float(max(batches.count, 1)),
                                     imagesPerSecond: Double(images) / seconds, seconds: seconds,
                                     validation: validatesAfter(epoch: epoch) ? validate() : nil)
            reports.append(report)
            onEvent(.epoch(report))
            var notes = ["loss": String(report.loss)]
            if let v = report.validation {
                notes["validation"] = v.description
                notes[Self.accuracyNote] = String(v.accuracy)
            }
            if let url = checkpointURL { try checkpoint(notes: notes).write(to: url) }
            if let url = bestCheckpointURL, let v = report.validation, v.accuracy > bestValidationAccuracy ?? -1 {
                bestValidationAccuracy = v.accuracy
                bestEpoch = epoch
                try checkpoint(notes: notes).write(to: url)
            }
        }
        return TrainingSummary(epochsCompleted: epoch, steps: step, interrupted: false, reports: reports)
    }
}
