import VisageFormats
import VisageNN

extension WeightSource {
    /// The tensors of a PyTorch state dict, keyed by their state-dict names (e.g. `"conv1.weight"`).
    /// - Parameter pytorch: a checkpoint read with `PyTorchCheckpoint(contentsOf:)`.
    /// - Throws: ``ModelLoadError/wrongArchitecture(_:)`` when a key occurs twice.
    public init(pytorch: PyTorchCheckpoint) throws {
        var table: [String: Tensor] = [:]
        for entry in pytorch.entries {
            guard table.updateValue(entry.tensor, forKey: entry.name) == nil else {
                throw ModelLoadError.wrongArchitecture("the checkpoint lists '\(entry.name)' twice")
            }
        }
        self.init(table)
    }
}
