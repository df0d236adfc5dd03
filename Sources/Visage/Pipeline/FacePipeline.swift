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
    /// Detection and landmarks.
    public let locator: FaceLocator
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
        self.init(locator: FaceLocator(detector: detector, landmarks: landmarks), encoder: encoder,
                  chipRecipe: chipRecipe)
    }

    /// Assembles a pipeline from a locator and an encoder.
    public init(locator: FaceLocator, encoder: any FaceEncoder, chipRecipe: ChipRecipe? = nil) {
        self.locator = locator
        self.encoder = encoder
        self.chipRecipe = chipRecipe ?? .for(encoder.descriptor.recipe)
    }

    /// Every face's box and landmarks, largest box first.
    /// - Parameter image: a gray or RGB image.
    /// - Throws: the detector's errors.
    public func locate(in image: Image) throws -> [LocatedFace] { try locator.locate(in: image) }

    /// Every face with landmarks, chip and embedding, largest box first.
    /// - Parameter image: a gray or RGB image.
    /// - Throws: the detector's, alignment and encoder errors.
    public func faces(in image: Image) throws -> [Face] {
        let located = try locate(in: image)
        let chips = try located.map { try chip(of: $0, in: image) }
        let embeddings = chips.isEmpty ? [] : try encoder.encode(chips)
        return located.indices.map { i in
            Face(detection: located[i].detection, landmarks: located[i].landmarks, chip: chips[i],
                 embedding: embeddings[i])
        }
    }

    /// Landmarks, chip and embedding of one detection (e.g. one the caller chose among several).
    /// - Parameters:
    ///   - detection: a face found in `image` by any detector.
    ///   - image: the image.
    /// - Throws: alignment and encoder errors.
    public func face(for detection: FaceDetection, in image: Image) throws -> Face {
        let located = locator.locate(detection, in: image)
        let chip = try chip(of: located, in: image)
        return Face(detection: detection, landmarks: located.landmarks, chip: chip, embedding: try encoder.encode([chip])[0])
    }

    /// The aligned chip of a located face, cut the way this pipeline's encoder expects (its
    /// ``ChipRecipe`` with the locator's landmark source). Callers that gate or batch chips
    /// themselves use it rather than repeating the recipe.
    /// - Throws: alignment errors.
    public func chip(of face: LocatedFace, in image: Image) throws -> Image {
        try chipRecipe.chip(of: image, detection: face.detection, landmarks: face.landmarks, source: locator.landmarkSource)
    }
}
