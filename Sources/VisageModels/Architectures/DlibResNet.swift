import Foundation
import VisageFormats
import VisageNN

// dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1.dat), NCHW:
//   input (RGB − mean) / 256                                3 × 150 × 150
//   conv 7×7/2 (32) + affine + relu, max-pool 3×3/2         32 × 35 × 35
//   3 × ares(32)                                            32 × 35 × 35
//   ares_down(64)  + 3 × ares(64)                           64 × 17 × 17
//   ares_down(128) + 2 × ares(128)                          128 × 8 × 8
//   ares_down(256) + 2 × ares(256)                          256 × 4 × 4  (3×3 block + 4×4 pooled shortcut)
//   ares_down(256)                                          256 × 2 × 2  (1×1 block + 2×2 pooled shortcut)
//   global average pool, fc 256 → 128 (no bias)             128
// ares = relu(x + block(x)); ares_down = relu(avgpool2/2(x) + block_stride2(x)); block = conv3×3 →
// affine → relu → conv3×3 → affine. Every affine is folded into the convolution before it.

/// dlib's ResNet face descriptor network: a 150 × 150 RGB chip → a raw (not normalised)
/// 128-d descriptor whose Euclidean distances compare faces (same person below 0.6).
public struct DlibResNet: Sendable {
    /// The network: [N, 3, 150, 150] (already normalised) → [N, 128].
    public let network: Sequential
    /// The same network compiled for fast inference.
    private let plan: ConvNetPlan?
    /// Whether ``forward(_:)`` runs the compiled plan (channel-major batches, banded
    /// convolutions) rather than ``network``'s layer-by-layer `forward`.
    public var usesCompiledPlan: Bool { plan != nil }
    /// The per-channel means (R, G, B) subtracted before dividing by 256.
    public let mean: [Float]

    /// The chip side length (150).
    public static let inputSize = 150

    /// Builds the network from a parsed dlib file.
    /// - Parameter file: the network read with ``DlibArchitecture/faceRecognitionResNet``.
    /// - Throws: ``ModelLoadError/wrongArchitecture(_:)`` when it is not the face ResNet.
    public init(_ file: DlibNetwork) throws {
        guard case .metric = file.loss,
              file.input.kind == .rgbImageSized(rows: Self.inputSize, cols: Self.inputSize)
        else {
            throw ModelLoadError.wrongArchitecture("not dlib's 150×150 metric ResNet (loss \(file.loss), input \(file.input.kind))")
        }
        network = try DlibLayerGraph.chain(file.layers)
        plan = ConvNetPlan(network)
        mean = [file.input.meanRed, file.input.meanGreen, file.input.meanBlue]
        let out = network.outputShape(for: [1, 3, Self.inputSize, Self.inputSize])
        guard out == [1, 128] else {
            throw ModelLoadError.wrongArchitecture("the network gives \(out) for one chip, expected [1, 128]")
        }
    }

    /// Loads `dlib_face_recognition_resnet_model_v1.dat`.
    /// - Parameter url: the file.
    /// - Throws: `DlibFormatError` for an unreadable, truncated or corrupt file.
    public init(contentsOf url: URL) throws {
        try self.init(try DlibNetwork(contentsOf: url, architecture: .faceRecognitionResNet))
    }

    /// Descriptors for a batch of normalised chips.
    /// - Parameter input: [N, 3, 150, 150], `(pixel − mean) / 256`.
    /// - Returns: [N, 128].
    public func forward(_ input: Tensor) -> Tensor { plan?.forward(input) ?? network.forward(input) }

    /// Multiply-adds per chip (270,854,144).
    public var multiplyAdds: Int { network.multiplyAdds(for: [1, 3, Self.inputSize, Self.inputSize]) }
}
