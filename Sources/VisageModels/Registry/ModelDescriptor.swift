/// The encoders Visage ships.
public enum EncoderID: String, Sendable, CaseIterable, Codable {
    /// dlib's ResNet (150×150 chips, 128-d, 99.38% on LFW): the default.
    case dlibResNet = "dlib-resnet"
    /// The course's 160×160 FaceNet (Inception-ResNet-v1, Keras weights).
    case faceNet160 = "facenet-160"
    /// The course's NN4.small2 (96×96, OpenFace CSV weights).
    case openFaceNN4 = "openface-nn4"
}

/// How an encoder's pixels become its input tensor.
public enum InputRecipe: Sendable, Equatable {
    /// `(pixel − mean[c]) / 256` on a 150×150 dlib chip (dlib's `input_rgb_image_sized`).
    case dlibChip(mean: [Float])
    /// Nearest-neighbour resize to the input size, then `pixel / 255` (the course's `img_to_encoding`).
    case nearestUnitScale
}

/// Everything a program needs to know about a pretrained encoder.
public struct ModelDescriptor: Sendable, Equatable {
    /// The identifier used on the command line (`--model`).
    public let id: EncoderID
    /// A one-line description.
    public let summary: String
    /// Input side length in pixels (square).
    public let inputSize: Int
    /// The preprocessing.
    public let recipe: InputRecipe
    /// Embedding dimension.
    public let embeddingSize: Int
    /// Whether embeddings are L2-normalised before distances are taken.
    public let normalised: Bool
    /// Distances are Euclidean (L2, not squared) between embeddings.
    public let metric: String
    /// The default decision threshold: same person when distance < threshold.
    public let defaultThreshold: Float
    /// Default thresholds for grouping faces (`visage cluster`).
    public let clusterThresholds: ClusterThresholds
    /// The identify (1:K) threshold by gallery size, when the encoder's impostor curve was
    /// measured; `nil`: identify uses ``defaultThreshold`` whatever the gallery size.
    public let openSet: OpenSetThreshold?
    /// The weight files it needs.
    public let weights: [ModelFile]
    /// Licence of the weights.
    public let licence: String
    /// Multiply-adds per face.
    public let multiplyAdds: Int

    /// Looks up a shipped encoder.
    public static func of(_ id: EncoderID) -> ModelDescriptor {
        switch id {
        case .dlibResNet:
            return ModelDescriptor(
                id: id, summary: "dlib ResNet-29 face descriptor (face_recognition's model), 99.38% on LFW",
                inputSize: 150, recipe: .dlibChip(mean: [122.782, 117.001, 104.298]), embeddingSize: 128,
                normalised: false, metric: "euclidean", defaultThreshold: 0.6,
                clusterThresholds: ClusterThresholds(link: 0.5, diameter: 0.62), openSet: .dlibResNet, weights: [.dlibResNet],
                licence: "CC0-1.0", multiplyAdds: 270_854_144)
        case .faceNet160:
            return ModelDescriptor(
                id: id, summary: "FaceNet Inception-ResNet-v1, 160×160 (course img_to_encoding; keras-facenet)",
                inputSize: 160, recipe: .nearestUnitScale, embeddingSize: 128, normalised: true,
                metric: "euclidean", defaultThreshold: 0.7, clusterThresholds: ClusterThresholds(link: 0.7, diameter: 0.7),
                openSet: nil, weights: [.facenetKeras], licence: "MIT",
                multiplyAdds: 1_415_000_000)
        case .openFaceNN4:
            return ModelDescriptor(
                id: id, summary: "OpenFace NN4.small2 Inception, 96×96 (course faceRecoModel)",
                inputSize: 96, recipe: .nearestUnitScale, embeddingSize: 128, normalised: true,
                metric: "euclidean", defaultThreshold: 0.7, clusterThresholds: ClusterThresholds(link: 0.7, diameter: 0.7),
                openSet: nil, weights: [], licence: "Apache-2.0",
                multiplyAdds: 200_000_000)
        }
    }
}
