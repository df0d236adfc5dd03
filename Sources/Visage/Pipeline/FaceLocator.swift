import Foundation
import VisageImage
import VisageModels

/// Detection plus landmarks: every face's box and shape, largest box first (what `visage
/// detect` needs; ``FacePipeline`` adds chips and embeddings).
public struct FaceLocator: Sendable {
    /// Finds the faces.
    public let detector: any FaceDetector
    /// Predicts landmarks inside each detected box.
    public let landmarks: ShapePredictor

    /// Assembles a locator.
    /// - Parameters:
    ///   - detector: e.g. ``MMODDetector``.
    ///   - landmarks: a 5- or 68-point ``ShapePredictor``.
    public init(detector: any FaceDetector, landmarks: ShapePredictor) {
        self.detector = detector
        self.landmarks = landmarks
    }

    /// Loads the detector and the shape predictor from the model store.
    /// - Parameters:
    ///   - store: where the model files are (checked for size and SHA-256).
    ///   - detector: which detector.
    ///   - upsample: times the image is doubled before detection.
    ///   - landmarks: which shape predictor.
    /// - Throws: `ModelStoreError` for missing or corrupt files, `DlibFormatError` /
    ///   `ModelLoadError` for files that do not parse, ``DetectionError`` for a bad upsampling.
    public init(store: ModelStore, detector: DetectorKind = .mmod, upsample: Int = 1,
                landmarks: LandmarkModel = .five) throws {
        self.init(detector: try detector.makeDetector(store: store, upsample: upsample),
                  landmarks: try ShapePredictor(contentsOf: store.url(for: landmarks.file)))
    }

    /// Every face's box and landmarks, largest box first (ties keep the detector's order).
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
}
