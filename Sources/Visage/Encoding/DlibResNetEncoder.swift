import Foundation
import VisageImage
import VisageModels
import VisageNN

/// dlib's ResNet face descriptor (face_recognition's encoder) on 150 × 150 aligned chips, as
/// dlib's `compute_face_descriptor(chip, num_jitters)` computes it: `(pixel − mean) / 256`, the
/// network, the raw 128-d output (not normalised; same person below distance 0.6).
///
/// With `jitters > 1` a descriptor is the mean of the network's outputs on that many jittered
/// copies of the chip (dlib's `jitter_image`; the un-jittered chip is not included), summed in
/// f32 in order and divided by the count. dlib keeps one random generator per loaded model whose
/// state carries over between calls; here each call to ``encode(_:)`` starts a fresh generator
/// (dlib's default seed), so results do not depend on earlier calls and equal dlib's on a freshly
/// loaded model. Use ``encode(_:jitters:using:)`` to continue a generator across calls.
public struct DlibResNetEncoder: FaceEncoder {
    /// The network.
    public let model: DlibResNet
    /// How many chips go through the network at once.
    public var batchSize: Int
    /// Jittered copies averaged per chip (0 or 1: no jitter, face_recognition's default).
    public var jitters: Int

    /// The registry entry.
    public var descriptor: ModelDescriptor { .of(.dlibResNet) }

    /// Wraps a built network.
    /// - Parameters:
    ///   - model: the network.
    ///   - batchSize: chips per forward pass (32 by default).
    ///   - jitters: jittered copies per chip (0: none).
    public init(model: DlibResNet, batchSize: Int = 32, jitters: Int = 0) {
        self.model = model
        self.batchSize = batchSize
        self.jitters = jitters
    }

    /// Loads `dlib_face_recognition_resnet_model_v1.dat`.
    /// - Throws: `DlibFormatError` or `ModelLoadError` for a corrupt file.
    public init(contentsOf url: URL, batchSize: Int = 32, jitters: Int = 0) throws {
        self.init(model: try DlibResNet(contentsOf: url), batchSize: batchSize, jitters: jitters)
    }

    /// Raw descriptors of 150 × 150 chips (RGB or gray), with ``jitters`` from a fresh generator.
    /// - Throws: ``EncodingError/wrongInputSize(width:height:expected:)`` for another size.
    public func encode(_ faces: [Image]) throws -> [[Float]] {
        var rng = DlibRandom()
        return try encode(faces, jitters: jitters, using: &rng)
    }

    /// Raw descriptors, drawing jitters from `rng` (which advances 10 draws per jittered copy).
    /// - Parameters:
    ///   - faces: 150 × 150 chips.
    ///   - jitters: copies averaged per chip; 0 or 1 means the chip itself.
    ///   - rng: the generator.
    /// - Throws: ``EncodingError/wrongInputSize(width:height:expected:)``.
    public func encode(_ faces: [Image], jitters: Int, using rng: inout DlibRandom) throws -> [[Float]] {
        let size = DlibResNet.inputSize
        for face in faces where face.width != size || face.height != size {
            throw EncodingError.wrongInputSize(width: face.width, height: face.height, expected: size)
        }
        guard jitters > 1 else { return run(faces) }
        var result: [[Float]] = []
        result.reserveCapacity(faces.count)
        for face in faces {
            var copies: [Image] = []
            copies.reserveCapacity(jitters)
            for _ in 0..<jitters { copies.append(face.jittered(using: &rng)) }
            let outputs = run(copies)
            var sum = [Float](repeating: 0, count: outputs[0].count)
            for o in outputs {
                for i in sum.indices { sum[i] += o[i] }
            }
            result.append(sum.map { $0 / Float(jitters) })
        }
        return result
    }

    /// The network on chips, in batches.
    private func run(_ chips: [Image]) -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(chips.count)
        var start = 0
        while start < chips.count {
            let end = min(start + max(batchSize, 1), chips.count)
            let input = InputTensor.planar(Array(chips[start..<end]), size: DlibResNet.inputSize,
                                           mean: model.mean, divisor: 256)
            let out = model.forward(input)
            let d = out.count / (end - start)
            for i in 0..<(end - start) { result.append(Array(out.storage[(i * d)..<((i + 1) * d)])) }
            start = end
        }
        return result
    }
}
