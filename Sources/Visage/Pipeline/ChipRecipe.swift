import VisageImage
import VisageModels

/// How the pipeline cuts the image an encoder sees.
public enum ChipRecipe: Sendable, Equatable {
    /// dlib's aligned chip (`get_face_chip_details` + `extract_image_chip`): the similarity
    /// transform from a mean-face template to the 5 or 68 landmarks. dlib's ResNet uses size 150,
    /// padding 0.25 (face_recognition's values).
    case dlibAligned(size: Int, padding: Double)
    /// The detector's box, grown by `margin` × its width / height on every side (zeros outside
    /// the image), for encoders whose recipe expects a face crop (the course's models resize it).
    case boxCrop(margin: Double)

    /// The recipe an encoder's registry entry calls for: the aligned chip for dlib's ResNet,
    /// a box crop with a 10 % margin for the course's encoders (trained and evaluated on tight
    /// face crops, resized by their own recipe).
    public static func `for`(_ recipe: InputRecipe) -> ChipRecipe {
        switch recipe {
        case .dlibChip: return .dlibAligned(size: 150, padding: 0.25)
        case .nearestUnitScale: return .boxCrop(margin: 0.1)
        }
    }

    /// The chip of one face (what the encoder is given).
    /// - Parameters:
    ///   - image: the source image.
    ///   - detection: the face's box.
    ///   - landmarks: the face's landmarks (used by aligned recipes).
    ///   - source: with `.detector` and five detector landmarks, the aligned chip maps
    ///     them to ``FivePointTemplate/dlibChip150`` (scaled to `size` and `padding`).
    /// - Throws: `AlignmentError` or `FivePointAlignmentError` for unusable landmarks or geometry.
    public func chip(of image: Image, detection: FaceDetection, landmarks: [PixelPoint],
                     source: LandmarkSource = .shapePredictor) throws -> Image {
        switch self {
        case let .dlibAligned(size, padding):
            if source == .detector, detection.landmarks.count == 5 {
                return try FivePointAlignment.align(image, landmarks: detection.landmarks,
                                                    template: try FivePointTemplate.dlibChip(size: size, padding: padding))
            }
            return image.extractChip(try FaceChipDetails(landmarks: landmarks, size: size, padding: padding))
        case let .boxCrop(margin):
            let r = detection.pixelRect
            let dx = Int((Double(r.width) * margin).rounded()), dy = Int((Double(r.height) * margin).rounded())
            let box = PixelRect(left: r.left - dx, top: r.top - dy, right: r.right + dx, bottom: r.bottom + dy)
            guard !box.isEmpty else { throw AlignmentError.invalidChipGeometry(size: 0, padding: margin) }
            return image.extractChip(FaceChipDetails(rect: RealRect(box), angle: 0, rows: box.height, cols: box.width))
        }
    }
}
