import Foundation
import VisageFormats

extension WeightSource {
    /// The key prefix of a training checkpoint's non-model tensors (optimiser state), which
    /// inference loading leaves out.
    public static let trainingStatePrefix = "train/"

    /// The model tensors of a safetensors file: a checkpoint written by `visage train`, or any
    /// safetensors file that uses the architecture's keys. Keys under
    /// ``trainingStatePrefix`` are left out.
    /// - Parameter url: the `.safetensors` file.
    /// - Throws: `SafetensorsError` when the file is unreadable or malformed.
    public init(safetensors url: URL) throws {
        let tensors = try Safetensors.read(url).tensors.filter { !$0.key.hasPrefix(WeightSource.trainingStatePrefix) }
        self.init(tensors)
    }
}
