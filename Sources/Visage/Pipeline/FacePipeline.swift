import Foundation
import VisageImage
import VisageModels

/// Image → every face with its box, score, landmarks, aligned chip and embedding: detect,
/// predict landmarks in each box, cut the chip, encode all chips in one batch.
///
/// With dlib's MMOD detector, 5-point landmarks and dlib's ResNet this reproduces
/// face_recognition's `face_locations(model="cnn")` + `face_encodings()` (and dlib 20.0.1's numbers).
/// Faces are ordered largest box first (ties keep the detector's order).
public struct FacePipeline: Sendable {
    /// Finds the faces.
    public let detector: any FaceDetector
    /// Predicts landmarks inside each detected box.
    public let landmarks: ShapePredictor
    /// Turns chips into embeddings.
    public let encoder: any FaceEncoder
    /// How chips are cut for the encoder.
    public let chipRecipe: ChipRecipe

    /// Assembles a pipeline.
    /// - Parameters:
    ///   - detector: e.g. ``MMODDetector``.
    ///   - landmarks: a 5- or 68-point ``ShapePredictor``.
    ///   - encoder: e.g. ``DlibResNetEncoder`` (its ``DlibResNetEncoder/jitters`` apply).
    ///   - chipRecipe: how to cut chips; by default what the encoder's registry entry calls for.
    public init(detector: any FaceDetector, landmarks: ShapePredictor, encoder: any FaceEncoder,
                chipRecipe: ChipRecipe? = nil) {
        self.detector = detector
        self.landmarks = landmarks
        self.encoder = encoder
        self.chipRecipe = chipRecipe ?? .for(encoder.descriptor.recipe)
    }

    /// Every face's box and landmarks, largest box first.
    /// - Parameter image: a gray or RGB image.
    /// - Throws: the detector's errors.
    public func locate(in image: Image) throws -> [LocatedFace] {
        let detections = try detector.detect(image)
        let order = detections.indices.sorted { a, b in
            let areaA = detections[a].pixelRect.area, areaB = detections[b].pixelRect.area
            return areaA != areaB ? areaA > areaB : a < b
        }
        return order.map { i in
            LocatedFace(detection: detections[i], landmarks: landmarks.predict(image: image, box: detections[i].pixelRect))
        }
    }

    /// Every face with landmarks, chip and embedding, largest box first.
    /// - Parameter image: a gray or RGB image.
    /// - Throws: the detector's, alignment and encoder errors.
    public func faces(in image: Image) throws -> [Face] {
        let located = try locate(in: image)
        let chips = try located.map { try chipRecipe.chip(of: image, detection: $0.detection, landmarks: $0.landmarks) }
        let embeddings = chips.isEmpty ? [] : try encoder.encode(chips)
        return located.indices.map { i in
            Face(detection: located[i].detection, landmarks: located[i].landmarks, chip: chips[i],
                 embedding: embeddings[i])
        }
    }
}
