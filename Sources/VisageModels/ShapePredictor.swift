import Foundation
import VisageFormats
import VisageImage

/// Face landmarks with a dlib shape predictor (ensemble of regression trees), reproducing
/// dlib 20.0.1's `shape_predictor::operator()` exactly: same feature pixels, same f32 arithmetic
/// order (no fused multiply-add), same rounding, hence identical landmarks.
///
/// Use `shape_predictor_5_face_landmarks.dat` (5 points: eye corners and nose base) or
/// `shape_predictor_68_face_landmarks.dat` (iBUG 300-W order).
public struct ShapePredictor: Sendable {
    /// The trees and feature pixels.
    public let model: ShapePredictorModel
    /// The model rearranged for the AVX2 kernels, or nil when the portable code runs.
    let packed: [PackedCascade]?

    /// Wraps a loaded model.
    /// - Parameters:
    ///   - model: the trees and feature pixels.
    ///   - kernels: `.automatic` (AVX2 when the CPU has it and the trees have depth 4, as dlib's
    ///     models do) or `.portable`; both give the same landmarks.
    public init(model: ShapePredictorModel, kernels: Kernels = .automatic) {
        self.model = model
        self.packed = kernels == .automatic ? Self.pack(model) : nil
    }

    /// Loads a dlib shape predictor file.
    /// - Parameters:
    ///   - url: the `.dat` file.
    ///   - kernels: `.automatic` (default) or `.portable`.
    /// - Throws: `DlibFormatError` when the file is unreadable or corrupt.
    public init(contentsOf url: URL, kernels: Kernels = .automatic) throws {
        self.init(model: try ShapePredictorModel(contentsOf: url), kernels: kernels)
    }

    /// Whether `predict` runs the AVX2 kernels (see ``Kernels``).
    public var runsAVX2Kernels: Bool { packed != nil }

    /// The number of landmarks predicted.
    public var landmarkCount: Int { model.landmarkCount }

    /// Predicts the landmarks of the face in `box`.
    /// - Parameters:
    ///   - image: a gray or RGB image (RGB is reduced to `(R + G + B) / 3`, integer division).
    ///   - box: the face box, inclusive bounds (as from a face detector); it may extend past the image.
    /// - Returns: `landmarkCount` pixel positions in image coordinates.
    public func predict(image: Image, box: PixelRect) -> [PixelPoint] {
        if let packed, image.width <= Int(Int32.max), image.height <= Int(Int32.max) {
            return predictPacked(packed, image: image, box: box)
        }
        let n = model.landmarkCount
        var shape = model.initialShape
        var features = [Float]()
        var offsets = [Int]()
        let left = Double(box.left), top = Double(box.top)
        let boxWidth = Double(box.right - box.left), boxHeight = Double(box.bottom - box.top)
        let width = image.width, height = image.height, isGray = image.format == .gray
        image.pixels.withUnsafeBufferPointer { pixels in
            // dlib's get_pixel_intensity at pixel (x, y), or 0 outside the image.
            func intensity(x: Double, y: Double) -> Float {
                guard x >= 0, y >= 0, x < Double(width), y < Double(height) else { return 0 }
                let index = Int(y) * width + Int(x)
                if isGray { return Float(pixels[index]) }
                let sum = Int(pixels[3 * index]) + Int(pixels[3 * index + 1]) + Int(pixels[3 * index + 2])
                return Float(sum / 3)
            }
            for cascade in model.cascades {
                let s = similarity(from: model.initialShape, to: shape, count: n)
                features.removeAll(keepingCapacity: true)
                cascade.anchors.withUnsafeBufferPointer { anchors in
                    cascade.deltas.withUnsafeBufferPointer { deltas in
                        for j in 0..<anchors.count {
                            let k = Int(anchors[j])
                            let dx = deltas[2 * j], dy = deltas[2 * j + 1]
                            // Plain f32 in dlib's order: (S00·dx + S01·dy) + x_k.
                            let px: Float = s.m00 * dx
                            let py: Float = s.m01 * dy
                            let qx: Float = (px + py) + shape[2 * k]
                            let rx: Float = s.m10 * dx
                            let ry: Float = s.m11 * dy
                            let qy: Float = (rx + ry) + shape[2 * k + 1]
                            let x = (Double(qx) * boxWidth + left + 0.5).rounded(.down)
                            let y = (Double(qy) * boxHeight + top + 0.5).rounded(.down)
                            features.append(intensity(x: x, y: y))
                        }
                    }
                }
                apply(cascade, features: features, to: &shape, offsets: &offsets)
            }
        }
        return pixelPoints(shape, box: box)
    }

    /// Box-normalised landmarks to pixels, rounded as dlib does.
    func pixelPoints(_ shape: [Float], box: PixelRect) -> [PixelPoint] {
        let left = Double(box.left), top = Double(box.top)
        let boxWidth = Double(box.right - box.left), boxHeight = Double(box.bottom - box.top)
        return (0..<model.landmarkCount).map { i in
            PixelPoint(x: Int((left + Double(shape[2 * i]) * boxWidth + 0.5).rounded(.down)),
                       y: Int((top + Double(shape[2 * i + 1]) * boxHeight + 0.5).rounded(.down)))
        }
    }
}
