import Foundation
import VisageFormats
import VisageModels
import VisageNN

/// The architectures `visage train` can train, with their trainable twins and weight loading.
public enum TrainableArchitecture: String, Sendable, CaseIterable {
    /// The course's NN4.small2 (OpenFace), 96 × 96 inputs, 128-d unit embeddings.
    case openFaceNN4 = "openface-nn4"

    /// The input side length.
    public var inputSize: Int {
        switch self {
        case .openFaceNN4: return OpenFaceNN4Small2.inputSize
        }
    }

    /// Stored tensors the architecture may leave unused (oddities of published weight files).
    public var ignoredKeys: Set<String> {
        switch self {
        case .openFaceNN4: return ["inception_5a_3x3_conv2_m", "inception_5a_3x3_conv2_v"]
        }
    }

    /// A freshly initialised trainable network.
    /// - Parameter seed: the seed of the initial values.
    public func makeNetwork(seed: UInt64) -> Sequential.Trainable {
        var generator = SplitMix64(seed: seed)
        switch self {
        case .openFaceNN4: return OpenFaceNN4Small2.trainable(using: &generator)
        }
    }

    /// Sets a network's values from stored weights: a `.safetensors` file (e.g. a checkpoint)
    /// or, for NN4.small2, an OpenFace CSV folder. Loading is strict: every parameter present
    /// with its shape, no tensor left over.
    /// - Throws: `ModelLoadError`, `SafetensorsError` or `OpenFaceFormatError`.
    public func load(_ url: URL, into network: any TrainableLayer) throws {
        var source: WeightSource
        if url.pathExtension == "safetensors" {
            source = try WeightSource(safetensors: url)
        } else {
            source = WeightSource(try OpenFaceCSV.load(directory: url, missing: .fail).tensors)
        }
        try network.load(from: &source)
        try source.finish(ignoring: ignoredKeys)
    }
}
