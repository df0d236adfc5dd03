import Foundation
import VisageFormats
import VisageNN

// dlib's CNN face detector (mmod_human_face_detector.dat), NCHW, on a tiled pyramid 3 × H × W:
//   3 × (conv 5×5/2 unpadded + affine + relu): 16, 32, 32 filters   32 × H/8 × W/8 (about)
//   3 × (conv 5×5/1 pad 2 + affine + relu): 45 filters              45 × H/8 × W/8
//   conv 9×9/1 pad 4 → 1 channel                                    the score map
// Score cell (r, c) looks at the 80 × 80 window centred on tensor point (8c + 14, 8r + 14).

/// dlib's MMOD CNN face detector network: a normalised tiled image pyramid → a score map.
///
/// The pyramid, the mapping back to the image and the non-maximum suppression live with the
/// detector in the `Visage` module; this type holds the network and the file's options.
public struct MMODNet: Sendable {
    /// The network: [N, 3, H, W] → [N, 1, H', W'] (affines folded into the convolutions).
    public let network: Sequential
    /// The same network compiled for fast inference.
    private let plan: ConvNetPlan?
    /// Whether ``forward(_:)`` runs the compiled plan (channel-major batches, banded
    /// convolutions) rather than ``network``'s layer-by-layer `forward`.
    public var usesCompiledPlan: Bool { plan != nil }
    /// The per-channel means (R, G, B) subtracted before dividing by 256.
    public let mean: [Float]
    /// Zeros between pyramid levels (10).
    public let pyramidPadding: Int
    /// Zeros around the tiled pyramid (11).
    public let pyramidOuterPadding: Int
    /// The loss options: detector window, non-maximum-suppression overlap test.
    public let options: DlibMMODOptions
    /// Score cell → input tensor point: `x = stride · c + offset`, `y = stride · r + offset`.
    public let outputStride: Int
    /// See ``outputStride``.
    public let outputOffset: Int

    /// Builds the network from a parsed dlib file.
    /// - Parameter file: the network read with ``DlibArchitecture/mmodFaceDetector``.
    /// - Throws: ``ModelLoadError/wrongArchitecture(_:)`` when it is not an MMOD pyramid detector
    ///   with one window and no box regression.
    public init(_ file: DlibNetwork) throws {
        guard case let .mmod(options) = file.loss,
              case let .rgbImagePyramid(padding, outerPadding) = file.input.kind
        else {
            throw ModelLoadError.wrongArchitecture("not an MMOD detector on an image pyramid (loss \(file.loss), input \(file.input.kind))")
        }
        guard options.detectorWindows.count == 1, !options.useBoundingBoxRegression,
              options.detectorWindows[0].width > 0, options.detectorWindows[0].height > 0
        else {
            throw ModelLoadError.wrongArchitecture("only single-window MMOD detectors without box regression are supported")
        }
        network = try DlibLayerGraph.chain(file.layers)
        plan = ConvNetPlan(network, direct: true)
        mean = [file.input.meanRed, file.input.meanGreen, file.input.meanBlue]
        pyramidPadding = padding
        pyramidOuterPadding = outerPadding
        self.options = options
        // dlib's output_tensor_to_input_tensor: from the top, p ↦ p·stride − padding + k/2 per
        // convolution or pooling layer (square kernels, equal strides here).
        var stride = 1, offset = 0
        for layer in file.layers.reversed() {
            switch layer {
            case let .conv(filters, _, s, p):
                guard s.y == s.x, p.y == p.x, filters.shape[2] == filters.shape[3] else {
                    throw ModelLoadError.wrongArchitecture("MMOD layers must be square")
                }
                offset = offset * s.x - p.x + filters.shape[3] / 2
                stride *= s.x
            case .affine, .relu:
                break
            default:
                throw ModelLoadError.wrongArchitecture("unexpected MMOD layer \(layer)")
            }
        }
        outputStride = stride
        outputOffset = offset
        guard network.outputShape(for: [1, 3, 200, 200])[1] == 1 else {
            throw ModelLoadError.wrongArchitecture("the MMOD network must give one score channel")
        }
    }

    /// Loads `mmod_human_face_detector.dat`.
    /// - Parameter url: the file.
    /// - Throws: `DlibFormatError` for an unreadable, truncated or corrupt file.
    public init(contentsOf url: URL) throws {
        try self.init(try DlibNetwork(contentsOf: url, architecture: .mmodFaceDetector))
    }

    /// The score map of a pyramid tensor.
    /// - Parameter input: [N, 3, H, W], normalised `(pixel − mean) / 256`.
    /// - Returns: [N, 1, H', W'].
    public func forward(_ input: Tensor) -> Tensor { plan?.forward(input) ?? network.forward(input) }

    /// The score map of one pyramid tensor that `fill` writes (all `3 × height × width`
    /// elements, normalised as for ``forward(_:)``) straight into the network's input buffer,
    /// which the compiled network keeps between calls.
    /// - Returns: [1, 1, H', W'].
    public func forward(height: Int, width: Int, fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        if let plan { return plan.forward(channels: 3, height: height, width: width, fill: fill) }
        var input = Tensor(shape: [1, 3, height, width])
        input.storage.withUnsafeMutableBufferPointer { fill($0.baseAddress!) }
        return network.forward(input)
    }
}
