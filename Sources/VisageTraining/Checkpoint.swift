import Foundation
import VisageFormats
import VisageModels
import VisageNN

/// A training checkpoint in the safetensors format.
///
/// The model's tensors are stored under the architecture's own keys (for NN4.small2 the
/// OpenFace names: `conv1_w`, `bn1_m`, …, `dense_b`), so every command loads the file with
/// `--weights`. The optimiser's state is stored under ``WeightSource/trainingStatePrefix``
/// (`train/optimizer/<key>/<slot>`), which inference loading skips; the run's position and
/// settings are in the string metadata.
public struct Checkpoint: Sendable {
    /// The metadata value identifying Visage training checkpoints.
    public static let formatTag = "visage-training-checkpoint/1"

    /// The architecture trained, e.g. `"openface-nn4"`.
    public var architecture: String
    /// Completed epochs.
    public var epoch: Int
    /// Optimiser updates applied.
    public var step: Int
    /// The optimiser that produced ``optimizerState``.
    public var optimizer: OptimizerKind
    /// The model tensors by key (running statistics included).
    public var model: [String: Tensor]
    /// The optimiser's state tensors (`<parameter key>/<slot>`).
    public var optimizerState: [String: Tensor]
    /// Other string metadata (free-form: settings, last validation).
    public var notes: [String: String]

    /// Creates a checkpoint.
    public init(architecture: String, epoch: Int, step: Int, optimizer: OptimizerKind, model: [String: Tensor],
                optimizerState: [String: Tensor], notes: [String: String] = [:]) {
        self.architecture = architecture
        self.epoch = epoch
        self.step = step
        self.optimizer = optimizer
        self.model = model
        self.optimizerState = optimizerState
        self.notes = notes
    }

    private static let optimizerPrefix = WeightSource.trainingStatePrefix + "optimizer/"

    /// Writes the checkpoint atomically (a temporary file renamed over `url`).
    /// - Throws: `SafetensorsError` when the file cannot be written.
    public func write(to url: URL) throws {
        var tensors = model.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        tensors += optimizerState.sorted { $0.key < $1.key }.map { (Self.optimizerPrefix + $0.key, $0.value) }
        var metadata = notes
        metadata["format"] = Self.formatTag
        metadata["architecture"] = architecture
        metadata["epoch"] = String(epoch)
        metadata["step"] = String(step)
        metadata["optimizer"] = optimizer.rawValue
        try Safetensors.write(tensors: tensors, metadata: metadata, to: url)
    }

    /// Reads a checkpoint written by ``write(to:)``.
    /// - Throws: `SafetensorsError` for a malformed file, ``TrainingError/incompatibleCheckpoint(path:reason:)``
    ///   when it is not a Visage training checkpoint.
    public static func read(_ url: URL) throws -> Checkpoint {
        let (tensors, metadata) = try Safetensors.read(url)
        func fail(_ reason: String) -> TrainingError { .incompatibleCheckpoint(path: url.path, reason: reason) }
        guard metadata["format"] == formatTag else {
            throw fail("it is not a Visage training checkpoint (metadata format is \(metadata["format"] ?? "missing"))")
        }
        guard let architecture = metadata["architecture"], let epoch = metadata["epoch"].flatMap({ Int($0) }),
              let step = metadata["step"].flatMap({ Int($0) }), epoch >= 0, step >= 0 else {
            throw fail("its metadata lacks the architecture, epoch or step")
        }
        guard let optimizer = metadata["optimizer"].flatMap(OptimizerKind.init(rawValue:)) else {
            throw fail("unknown optimizer '\(metadata["optimizer"] ?? "")'")
        }
        var model: [String: Tensor] = [:], state: [String: Tensor] = [:]
        for (key, tensor) in tensors {
            if key.hasPrefix(optimizerPrefix) {
                state[String(key.dropFirst(optimizerPrefix.count))] = tensor
            } else if !key.hasPrefix(WeightSource.trainingStatePrefix) {
                model[key] = tensor
            }
        }
        let reserved: Set<String> = ["format", "architecture", "epoch", "step", "optimizer"]
        return Checkpoint(architecture: architecture, epoch: epoch, step: step, optimizer: optimizer, model: model,
                          optimizerState: state, notes: metadata.filter { !reserved.contains($0.key) })
    }
}
