import Foundation
import VisageFormats
import VisageModels
import VisageNN

/// Builds encoders from the files in the model cache (or files a user names).
public struct EncoderLoader: Sendable {
    /// Where model files are found.
    public let store: ModelStore

    /// Creates a loader over a model store.
    public init(store: ModelStore) { self.store = store }

    /// Loads one of the course's encoders.
    /// - Parameters:
    ///   - id: `.faceNet160` or `.openFaceNN4`.
    ///   - weights: for `.openFaceNN4` the OpenFace CSV folder or a `.safetensors` checkpoint
    ///     written by `visage train` (required); for `.faceNet160` an h5 file or a `.safetensors`
    ///     file with the same keys instead of the cached one.
    ///   - fillMissingForTests: fill the five kernels missing from the public CSV copy with the
    ///     documented deterministic values (numerical tests only: the result is not a face model).
    public func courseEncoder(_ id: EncoderID, weights: URL?, fillMissingForTests: Bool = false) throws -> FaceEncoder {
        switch id {
        case .faceNet160:
            let url = try weights ?? store.url(for: .facenetKeras, verify: true)
            let source = url.pathExtension == "safetensors"
                ? try WeightSource(safetensors: url) : WeightSource(keras: try KerasWeights(contentsOf: url))
            return FaceNet160Encoder(model: try InceptionResNetV1(weights: source))
        case .openFaceNN4:
            guard let dir = weights else {
                throw ModelStoreError.weightsRequired("openface-nn4 needs --weights <OpenFace CSV folder or .safetensors checkpoint>")
            }
            if dir.pathExtension == "safetensors" {
                return NN4Small2Encoder(model: try OpenFaceNN4Small2(weights: WeightSource(safetensors: dir)))
            }
            let tensors = try OpenFaceCSV.load(directory: dir, missing: fillMissingForTests ? .fillDeterministic : .fail)
            return NN4Small2Encoder(model: try OpenFaceNN4Small2(weights: WeightSource(tensors.tensors)))
        case .dlibResNet:
            throw ModelStoreError.weightsRequired("dlib-resnet is not a course encoder")
        }
    }
}

extension WeightSource {
    /// Keras weights keyed `"<layer>/<variable>"`, e.g. `"Conv2d_1a_3x3/kernel"`.
    public init(keras: KerasWeights) {
        var table: [String: Tensor] = [:]
        for layer in keras.layers {
            for weight in layer.weights { table[layer.name + "/" + weight.variableName] = weight.tensor }
        }
        self.init(table)
    }
}
