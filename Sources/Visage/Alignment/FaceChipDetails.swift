import Foundation
import VisageImage

/// Where to cut an aligned face chip out of an image (dlib's `chip_details`): a rectangle in the
/// image, rotated by `angle` about its centre, resampled to `rows × cols` pixels.
public struct FaceChipDetails: Sendable, Equatable {
    /// The source rectangle before rotation (dlib `drectangle` semantics: width = right − left + 1).
    public var rect: RealRect
    /// The rotation in radians (positive turns the x axis towards the y axis, i.e. clockwise on screen).
    public var angle: Double
    /// The chip height in pixels.
    public var rows: Int
    /// The chip width in pixels.
    public var cols: Int

    /// Creates chip details from their parts.
    public init(rect: RealRect, angle: Double, rows: Int, cols: Int) {
        self.rect = rect
        self.angle = angle
        self.rows = rows
        self.cols = cols
    }

    /// The chip that aligns a face as dlib's `get_face_chip_details` does (as used by
    /// `face_recognition` and dlib's ResNet): the least-squares similarity transform from a mean-face
    /// template to the landmarks.
    /// - Parameters:
    ///   - landmarks: 5 points (`shape_predictor_5_face_landmarks`) or 68 points (iBUG order).
    ///   - size: the chip's side in pixels (150 for dlib's face ResNet).
    ///   - padding: the border around the template as a fraction of the face (0.25 in
    ///     `face_recognition`). dlib's Python binding passes it as a C `float`; pass
    ///     `Double(Float(p))` to reproduce values that are not exact in binary.
    /// - Throws: ``AlignmentError``.
    public init(landmarks: [PixelPoint], size: Int = 150, padding: Double = 0.25) throws {
        guard size >= 1, padding.isFinite, padding >= 0 else {
            throw AlignmentError.invalidChipGeometry(size: size, padding: padding)
        }
        let pairs: [(template: (x: Double, y: Double), index: Int)]
        switch landmarks.count {
        case 5: pairs = FaceTemplates.fivePoint.enumerated().map { ($0.element, $0.offset) }
        case 68: pairs = FaceTemplates.sixtyEightPointUsed.map { (FaceTemplates.meanFace($0), $0) }
        default: throw AlignmentError.unsupportedLandmarkCount(landmarks.count)
        }
        let s = Double(size)
        let from = pairs.map { pair in
            RealPoint(x: (padding + pair.template.x) / (2 * padding + 1) * s,
                      y: (padding + pair.template.y) / (2 * padding + 1) * s)
        }
        let to = pairs.map { RealPoint(x: Double(landmarks[$0.index].x), y: Double(landmarks[$0.index].y)) }
        let t = SimilarityTransform.leastSquares(from: from, to: to)
        // The transform's x axis gives the rotation and scale; the rectangle carries the translation.
        let angle = atan2(t.b, t.a)
        let scale = (t.a * t.a + t.b * t.b).squareRoot()
        let center = t.apply(RealPoint(x: s / 2, y: s / 2))
        let half = (s * scale - 1) / 2
        self.init(rect: RealRect(left: center.x - half, top: center.y - half, right: center.x + half, bottom: center.y + half),
                  angle: angle, rows: size, cols: size)
    }
}
