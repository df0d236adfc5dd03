/// The settings of a training run.
public struct TrainingConfiguration: Sendable, Equatable {
    /// Epochs to train (an epoch visits every identity once).
    public var epochs: Int
    /// P identities × K images per batch.
    public var batch: BatchShape
    /// The optimiser.
    public var optimizer: OptimizerKind
    /// The base learning rate.
    public var learningRate: Float
    /// How the rate changes over the run.
    public var schedule: LearningRateSchedule
    /// Epochs of linear warm-up at the start.
    public var warmupEpochs: Int
    /// Weight decay of kernels (L2 for SGD, decoupled for Adam).
    public var weightDecay: Float
    /// The triplet margin α.
    public var alpha: Float
    /// How negatives are mined.
    public var negatives: NegativeSelection
    /// Random flip and crop jitter of training images.
    public var augmentation: Augmentation
    /// The seed of batch order, augmentation and mining (initial values are seeded separately).
    public var seed: UInt64

    /// Creates a configuration; the defaults are those of `visage train`.
    public init(epochs: Int, batch: BatchShape, optimizer: OptimizerKind = .adam, learningRate: Float = 1e-3,
                schedule: LearningRateSchedule = .cosine(floor: 0.01), warmupEpochs: Int = 0, weightDecay: Float = 5e-4,
                alpha: Float = 0.2, negatives: NegativeSelection = .semiHard, augmentation: Augmentation = .standard,
                seed: UInt64 = 1) {
        self.epochs = epochs
        self.batch = batch
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.schedule = schedule
        self.warmupEpochs = warmupEpochs
        self.weightDecay = weightDecay
        self.alpha = alpha
        self.negatives = negatives
        self.augmentation = augmentation
        self.seed = seed
    }
}

/// What a training run reports while it runs.
public enum TrainingEvent: Sendable {
    /// A batch was trained.
    case batch(BatchProgress)
    /// An epoch ended (after validation, before the checkpoint is saved).
    case epoch(EpochReport)
}

/// The state after one training batch.
public struct BatchProgress: Sendable {
    /// The epoch (1-based).
    public var epoch: Int
    /// The number of epochs of the run.
    public var epochs: Int
    /// The batch within the epoch (1-based).
    public var batch: Int
    /// Batches per epoch.
    public var batchesPerEpoch: Int
    /// The figures of this step.
    public var step: StepResult
    /// Training images per second over the epoch so far (forward, backward and update).
    public var imagesPerSecond: Double
    /// Estimated seconds until the run ends (validation excluded).
    public var secondsRemaining: Double
}

/// The result of one optimisation step.
public struct StepResult: Sendable {
    /// The mean triplet loss `J / M` over the mined triplets.
    public var loss: Float
    /// The fraction of mined triplets with a non-zero loss.
    public var activeFraction: Float
    /// M, the number of mined triplets.
    public var triplets: Int
    /// The learning rate used.
    public var learningRate: Float
}

/// The summary of one epoch.
public struct EpochReport: Sendable {
    /// The epoch (1-based).
    public var epoch: Int
    /// The mean over the epoch's batches of the mean triplet loss.
    public var loss: Float
    /// The mean over the epoch's batches of the active-triplet fraction.
    public var activeFraction: Float
    /// Training images per second over the epoch.
    public var imagesPerSecond: Double
    /// Seconds the epoch's training took (validation excluded).
    public var seconds: Double
    /// The validation figures, when a validation set was given.
    public var validation: VerificationMetrics?
}

/// How a run ended.
public struct TrainingSummary: Sendable {
    /// Epochs completed (counting those of a resumed run).
    public var epochsCompleted: Int
    /// Optimiser updates applied.
    public var steps: Int
    /// Whether the run was stopped early (Ctrl-C).
    public var interrupted: Bool
    /// The reports of the epochs this run trained.
    public var reports: [EpochReport]
}
