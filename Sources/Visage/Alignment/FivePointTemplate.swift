import VisageModels

/// Where the five MTCNN landmarks (left eye, right eye, nose tip, left and right mouth corners)
/// should land in an aligned face image of a given size.
public struct FivePointTemplate: Sendable, Equatable {
    /// Output width in pixels.
    public let width: Int
    /// Output height in pixels.
    public let height: Int
    /// The five target points (x, y) in output pixels, in MTCNN's landmark order.
    public let points: [SIMD2<Double>]

    /// Creates a template.
    /// - Throws: ``FivePointAlignmentError/invalidTemplate(_:)`` unless there are five finite
    ///   points and the size is 1…4096 on each side.
    public init(width: Int, height: Int, points: [SIMD2<Double>]) throws {
        guard (1...4096).contains(width), (1...4096).contains(height) else {
            throw FivePointAlignmentError.invalidTemplate("size \(width)×\(height) is outside 1…4096")
        }
        guard points.count == 5, points.allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw FivePointAlignmentError.invalidTemplate("it needs five finite points, got \(points)")
        }
        self.width = width
        self.height = height
        self.points = points
    }

    private init(_ width: Int, _ height: Int, _ xy: [(Double, Double)]) {
        self.width = width
        self.height = height
        self.points = xy.map { SIMD2($0.0, $0.1) }
    }

    /// The common 112×112 five-point template of ArcFace / InsightFace.
    public static let arcFace112 = FivePointTemplate(112, 112, [
        (38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041),
    ])

    /// dlib's 150×150 face chip (padding 0.25) for the dlib ResNet encoder: dlib's mean face
    /// (`get_face_chip_details`) with eye centres = means of 68-point landmarks 36–41 and 42–47,
    /// nose tip = 30, mouth corners = 48 and 54, mapped by `(p + 0.25) / 1.5 · 150`.
    public static let dlibChip150 = FivePointTemplate(150, 150, [
        (47.5492, 46.5990), (100.4761, 46.5990), (74.0127, 76.5625), (50.4149, 103.0233), (97.6104, 103.0233),
    ])

    /// ``dlibChip150`` for another chip size and padding (dlib's `get_face_chip_details`
    /// geometry: template point p in the unit face lands at `(padding + p) / (1 + 2·padding) · size`).
    /// - Throws: ``FivePointAlignmentError/invalidTemplate(_:)`` for a size outside 1…4096 or a
    ///   negative or non-finite padding.
    public static func dlibChip(size: Int, padding: Double) throws -> FivePointTemplate {
        guard padding.isFinite, padding >= 0 else {
            throw FivePointAlignmentError.invalidTemplate("padding \(padding) must be finite and ≥ 0")
        }
        let unit = dlibChip150.points.map { $0 / 150 * 1.5 - 0.25 }
        return try FivePointTemplate(width: size, height: size,
                                     points: unit.map { ($0 + padding) / (1 + 2 * padding) * Double(size) })
    }

    /// OpenFace's 96×96 alignment for NN4.small2: OpenFace's 68-point template scaled to its
    /// bounding box (`MINMAX_TEMPLATE · 96`), with the same five-point reduction as
    /// ``dlibChip150``.
    public static let openFace96 = FivePointTemplate(96, 96, [
        (26.6276, 16.0593), (67.7903, 15.2640), (47.2410, 40.5223), (29.4826, 61.6176), (66.7597, 60.8777),
    ])

    /// The 160×160 FaceNet input as facenet-pytorch crops it (`MTCNN(image_size=160, margin=0)`:
    /// the O-Net box resized to 160×160): the mean position of facenet-pytorch's landmarks within
    /// its boxes over 100 LFW images, times 160 (`mtcnn_reference.py template`).
    public static let faceNet160 = FivePointTemplate(160, 160, [
        (45.8391, 62.8048), (117.5635, 61.2607), (81.7654, 93.0530), (51.4371, 121.6367), (114.8937, 120.3576),
    ])

    /// The template matching an encoder's expected input.
    public static func forEncoder(_ id: EncoderID) -> FivePointTemplate {
        switch id {
        case .dlibResNet: return dlibChip150
        case .faceNet160: return faceNet160
        case .openFaceNN4: return openFace96
        }
    }
}
