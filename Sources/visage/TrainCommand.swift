import ArgumentParser
import Dispatch
import Foundation
import VisageNN
import VisageTraining

extension TrainableArchitecture: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension NegativeSelection: ExpressibleByArgument {}

/// `visage train DATASET_DIR --arch openface-nn4 --epochs N --batch PxK --out FILE`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train or fine-tune an encoder with the triplet loss (one folder per identity).",
        discussion: """
        Batches hold P identities × K images; every anchor–positive pair in a batch is a triplet, with a \
        semi-hard negative by default. A checkpoint (safetensors) is written to --out after every epoch and \
        when you press Ctrl-C; pass it to any command with --weights, or continue with --resume.
        """)

    /// The learning-rate schedules offered on the command line.
    enum Schedule: String, ExpressibleByArgument, CaseIterable {
        case cosine, step, constant
    }

    @Argument(help: "Folder with one sub-folder of face images per identity.")
    var dataset: String

    @Option(name: .long, help: "Architecture to train.")
    var arch: TrainableArchitecture = .openFaceNN4

    @Option(name: .long, help: "Initial weights: a .safetensors checkpoint or an OpenFace CSV folder (default: random).")
    var weights: String?

    @Option(name: .long, help: "Epochs (each visits every identity once).")
    var epochs: Int

    @Option(name: .long, help: "Batch shape PxK: P identities, K images each.")
    var batch: String = "6x10"

    @Option(name: .long, help: "Checkpoint file to write (.safetensors).")
    var out: String

    @Flag(name: .long, help: "Continue from the checkpoint at --out.")
    var resume = false

    @Option(name: .long, help: "Validation pairs file ('pathA pathB 0|1' lines or LFW pairs.txt).")
    var valPairs: String?

    @Option(name: .long, help: "Folder the validation pair names are resolved in (default: the pairs file's folder).")
    var valImages: String?

    @Option(name: .long, help: "Validate on every pair of this folder-per-identity dataset.")
    var valDir: String?

    @Flag(name: .long, help: "Validate with test-time flip averaging (each image embedded as the mean of it and its mirror image).")
    var valFlipAverage = false

    @Option(name: .long, help: "Validate after every N epochs (and after the last).")
    var valEvery = 1

    @Option(name: .long, help: "Validate with test-time shift averaging: each image also embedded shifted by this many pixels left, right, up and down, all views averaged (0 = off).")
    var valShiftAverage = 0

    @Option(name: .long, help: "With --val-pairs or --val-dir: also keep the epoch with the highest validation accuracy in this checkpoint file.")
    var bestOut: String?

    @Option(name: .long, help: "Optimizer.")
    var optimizer: OptimizerKind = .adam

    @Option(name: .long, help: "Base learning rate (default 1e-3 for adam, 0.05 for sgd).")
    var lr: Float?

    @Option(name: .long, help: "Learning-rate schedule: cosine (to 1% of the base), step (×0.1 every third of the run), constant.")
    var schedule: Schedule = .cosine

    @Option(name: .long, help: "Warm-up epochs.")
    var warmup: Int = 0

    @Option(name: .long, help: "Weight decay of kernels.")
    var weightDecay: Float = 5e-4

    @Option(name: .long, help: "Triplet margin α.")
    var alpha: Float = 0.2

    @Option(name: .long, help: "Negative mining: semi-hard, hardest or random.")
    var negatives: NegativeSelection = .semiHard

    /// The augmentation presets offered on the command line.
    enum AugmentOption: String, ExpressibleByArgument, CaseIterable {
        case none, light, standard
    }

    @Option(name: .long, help: "Augmentation: none, light (flip, shifts ≤ 4 px) or standard (also zoom ≤ 10 %, contrast/brightness ±20 %).")
    var augment: AugmentOption = .standard

    @Option(name: .long, help: "Random erasing: the probability that a random 2–25 % rectangle of a training image is filled with its mean (0: never).")
    var erase: Float = 0

    @Option(name: .long, help: "Random seed (initial weights, batch order, augmentation).")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard valPairs == nil || valDir == nil else { throw ValidationError("give --val-pairs or --val-dir, not both") }
        guard alpha > 0, weightDecay >= 0, warmup >= 0 else { throw ValidationError("--alpha must be > 0, --weight-decay and --warmup ≥ 0") }
        if let lr, !(lr > 0) { throw ValidationError("--lr must be > 0") }
        guard (0...1).contains(erase) else { throw ValidationError("--erase must be in [0, 1]") }
        guard valShiftAverage >= 0 else { throw ValidationError("--val-shift-average must be ≥ 0") }
        guard valEvery >= 1 else { throw ValidationError("--val-every must be ≥ 1") }
        if bestOut != nil {
            guard valPairs != nil || valDir != nil else { throw ValidationError("--best-out needs --val-pairs or --val-dir") }
            guard bestOut != out else { throw ValidationError("--best-out must differ from --out") }
        }
    }

    func run() throws {
        if let threads { Backend.setThreads(threads) }
        // Every step frees and allocates the same large tensors: keep the memory mapped.
        WorkingMemory.keepFreedMemory()
        let shape = try BatchShape(parsing: batch)
        let size = arch.inputSize
        let data = try FaceDataset.load(directory: URL(fileURLWithPath: dataset), inputSize: size)
        var validation: ValidationSet?
        if let valPairs {
            validation = try PairList.read(URL(fileURLWithPath: valPairs), images: valImages.map { URL(fileURLWithPath: $0) })
                .validationSet(inputSize: size)
        } else if let valDir {
            validation = ValidationSet(allPairsOf: try FaceDataset.load(directory: URL(fileURLWithPath: valDir), inputSize: size))
        } else {
            validation = nil
        }
        validation?.averagesFlips = valFlipAverage
        validation?.shiftAverage = valShiftAverage
        let network = arch.makeNetwork(seed: seed)
        if let weights { try arch.load(URL(fileURLWithPath: weights), into: network) }
        let schedules: [Schedule: LearningRateSchedule] = [
            .cosine: .cosine(floor: 0.01), .step: .step(epochs: max(1, epochs / 3), factor: 0.1), .constant: .constant,
        ]
        var augmentation = [AugmentOption.none: Augmentation.none, .light: .light, .standard: .standard][augment]!
        augmentation.erasing = erase
        let configuration = TrainingConfiguration(
            epochs: epochs, batch: shape, optimizer: optimizer, learningRate: lr ?? (optimizer == .adam ? 1e-3 : 0.05),
            schedule: schedules[schedule]!, warmupEpochs: warmup, weightDecay: weightDecay, alpha: alpha,
            negatives: negatives, augmentation: augmentation, seed: seed)
        let trainer = try Trainer(network: network, architecture: arch.rawValue, dataset: data,
                                  configuration: configuration, validation: validation)
        trainer.validationInterval = valEvery
        let outURL = URL(fileURLWithPath: out)
        let bestURL = bestOut.map { URL(fileURLWithPath: $0) }
        if resume {
            try trainer.resume(from: Checkpoint.read(outURL), label: out)
            note("resuming from \(out) after epoch \(trainer.epoch) (step \(trainer.step))")
            // The best epoch so far is the one already kept, if any.
            if let bestURL, FileManager.default.fileExists(atPath: bestURL.path) {
                let kept = try Checkpoint.read(bestURL)
                trainer.bestValidationAccuracy = kept.notes[Trainer.accuracyNote].flatMap(Double.init)
                trainer.bestEpoch = kept.epoch
            }
        }
        note("training \(arch.rawValue) on \(data.identities.count) identities, \(data.imageCount) images; batch \(shape) (\(trainer.sampler.batchesPerEpoch) per epoch); \(Backend.info)")
        if let validation {
            let pairs = validation.pairs
            note("validation: \(pairs.count) pairs (\(pairs.filter(\.same).count) same) over \(validation.images.count) images")
            if trainer.epoch == 0, let m = trainer.validate() { note("before training: \(m)") }
        }
        let stop = StopSignal()
        let bar = ProgressLine()
        let summary = try trainer.run(checkpointURL: outURL, bestCheckpointURL: bestURL, shouldStop: { stop.requested }) { event in
            switch event {
            case .batch(let b): bar.show(b)
            case .epoch(let e): bar.finish(e, of: epochs)
            }
        }
        if summary.interrupted {
            note("interrupted: saved \(out) after \(summary.epochsCompleted) complete epoch(s); continue with --resume")
            throw ExitCode(130)
        }
        note("saved \(out) (\(summary.epochsCompleted) epochs, \(summary.steps) steps); use it with --weights \(out)")
        if let bestOut, let accuracy = trainer.bestValidationAccuracy, let epoch = trainer.bestEpoch {
            note(String(format: "best validation accuracy %.1f%% (epoch %d) kept in %@", 100 * accuracy, epoch, bestOut))
        }
    }
}

/// Writes a line to standard error.
private func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Ctrl-C asks the run to stop after the current batch (saving a checkpoint); a second Ctrl-C
/// quits at once.
private final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [unowned self] in
            lock.lock()
            let again = flag
            flag = true
            lock.unlock()
            if again { Foundation.exit(130) }
            note("\nstopping after this batch and saving a checkpoint (Ctrl-C again to quit at once)")
        }
        source.resume()
    }

    var requested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return flag
    }
}

/// The progress bar: a line rewritten in place on a terminal, one line per epoch otherwise.
private final class ProgressLine {
    private let terminal = isatty(STDERR_FILENO) != 0
    private var last = ""

    func show(_ b: BatchProgress) {
        guard terminal else { return }
        let width = 24
        let filled = width * b.batch / max(b.batchesPerEpoch, 1)
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        last = String(format: "\repoch %d/%d [%@] %d/%d  loss %.4f  active %.1f%%  %.1f img/s  ETA %@ ",
                      b.epoch, b.epochs, bar, b.batch, b.batchesPerEpoch, b.step.loss, 100 * b.step.activeFraction,
                      b.imagesPerSecond, duration(b.secondsRemaining))
        FileHandle.standardError.write(Data(last.utf8))
    }

    func finish(_ e: EpochReport, of epochs: Int) {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        var line = String(format: "epoch %d/%d  loss %.4f  active %.1f%%  %.1f img/s  %.1f s", e.epoch, epochs, e.loss,
                          100 * e.activeFraction, e.imagesPerSecond, e.seconds)
        if let v = e.validation { line += "  | val \(v)" }
        note(line)
    }

    private func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
