import Foundation
import VisageImage
import VisageModels
import VisageNN

/// The course's 160×160 FaceNet with the notebook's `img_to_encoding` recipe:
/// nearest-neighbour resize to 160×160, `pixel / 255`, model, then divide by the L2 norm.
public struct FaceNet160Encoder: FaceEncoder {
    /// The network.
    public let model: InceptionResNetV1
    /// How many images go through the network at once.
    public var batchSize: Int

    /// The registry entry.
    public var descriptor: ModelDescriptor { .of(.faceNet160) }

    /// Wraps a built network.
    public init(model: InceptionResNetV1, batchSize: Int = 32) {
        self.model = model
        self.batchSize = batchSize
    }

    /// Raw (not normalised) Bottleneck_BatchNorm outputs.
    public func rawEmbeddings(_ faces: [Image]) throws -> [[Float]] {
        try CourseRecipe.run(faces, size: InceptionResNetV1.inputSize, batchSize: batchSize) { model.forward($0) }
    }

    /// Unit-length embeddings, as `img_to_encoding` returns them.
    public func encode(_ faces: [Image]) throws -> [[Float]] { try rawEmbeddings(faces).map(l2Normalised) }
}

/// The course's NN4.small2 (`faceRecoModel`), 96×96, L2-normalised inside the model.
public struct NN4Small2Encoder: FaceEncoder {
    /// The network.
    public let model: OpenFaceNN4Small2
    /// How many images go through the network at once.
    public var batchSize: Int

    /// The registry entry.
    public var descriptor: ModelDescriptor { .of(.openFaceNN4) }

    /// Wraps a built network.
    public init(model: OpenFaceNN4Small2, batchSize: Int = 32) {
        self.model = model
        self.batchSize = batchSize
    }

    /// Unit-length embeddings.
    public func encode(_ faces: [Image]) throws -> [[Float]] {
        try CourseRecipe.run(faces, size: OpenFaceNN4Small2.inputSize, batchSize: batchSize) { model.forward($0) }
    }
}

/// The preprocessing shared by the course's encoders.
enum CourseRecipe {
    /// Resizes (nearest) to `size`, scales by 1/255, and runs `network` in batches.
    static func run(_ faces: [Image], size: Int, batchSize: Int, network: (Tensor) -> Tensor) throws -> [[Float]] {
        var result: [[Float]] = []
        result.reserveCapacity(faces.count)
        var start = 0
        while start < faces.count {
            let chunk = try faces[start..<min(start + max(batchSize, 1), faces.count)].map { image -> Image in
                try image.resized(width: size, height: size, filter: .nearest)
            }
            let out = network(InputTensor.planar(Array(chunk), size: size, divisor: 255))
            let d = out.count / chunk.count
            for i in 0..<chunk.count { result.append(Array(out.storage[(i * d)..<((i + 1) * d)])) }
            start += chunk.count
        }
        return result
    }
}
