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
    /// Whether the detector's own five landmarks (MTCNN) replace the shape predictor's.
    public let landmarkSource: LandmarkSource

    /// Assembles a locator.
    /// - Parameters:
    ///   - detector: e.g. ``MMODDetector`` or ``MTCNNDetector``.
    ///   - landmarks: a 5- or 68-point ``ShapePredictor``.
    ///   - landmarkSource: `.detector` uses the detection's five landmarks when it has them.
    public init(detector: any FaceDetector, landmarks: ShapePredictor, landmarkSource: LandmarkSource = .shapePredictor) {
        self.detector = detector
        self.landmarks = landmarks
        self.landmarkSource = landmarkSource
    }

    /// Loads the detector and the shape predictor from the model store.
    /// - Parameters:
    ///   - store: where the model files are (checked for size and SHA-256).
    ///   - detector: which detector.
    ///   - upsample: times the image is doubled before detection (MMOD).
    ///   - fallbackUpsample: MMOD: times it is doubled for a second pass when the first finds no
    ///     face or several (`nil`, the default: none).
    ///   - landmarks: which shape predictor.
    ///   - landmarkSource: where alignment landmarks come from; by default the detector's
    ///     ``DetectorKind/defaultLandmarkSource``, except that 68 points always come from the
    ///     shape predictor.
    /// - Throws: `ModelStoreError` for missing or corrupt files, `DlibFormatError` /
    ///   `ModelLoadError` for files that do not parse, ``DetectionError`` for a bad upsampling.
    public init(store: ModelStore, detector: DetectorKind = .mmod, upsample: Int = 1, fallbackUpsample: Int? = nil,
                landmarks: LandmarkModel = .five, landmarkSource: LandmarkSource? = nil) throws {
        let source = landmarkSource ?? (landmarks == .five ? detector.defaultLandmarkSource : .shapePredictor)
        self.init(detector: try detector.makeDetector(store: store, upsample: upsample, fallbackUpsample: fallbackUpsample),
                  landmarks: try ShapePredictor(contentsOf: store.url(for: landmarks.file)), landmarkSource: source)
    }

    /// Every face's box and landmarks, largest box first (ties keep the detector's order).
    /// With ``LandmarkSource/detector`` a detection's five landmarks are given rounded to pixels.
    /// - Parameter image: a gray or RGB image.
    /// - Throws: the detector's errors.
    public func locate(in image: Image) throws -> [LocatedFace] {
        let detections = try detector.detect(image)
        let order = detections.indices.sorted { a, b in
            let areaA = detections[a].pixelRect.area, areaB = detections[b].pixelRect.area
            return areaA != areaB ? areaA > areaB : a < b
        }
        return order.map { locate(detections[$0], in: image) }
    }

    /// The landmarks of one detection (the detector's five with ``LandmarkSource/detector``,
    /// rounded to pixels, else the shape predictor's inside its box).
    /// - Parameters:
    ///   - detection: a face found in `image`.
    ///   - image: the image it was found in.
    public func locate(_ detection: FaceDetection, in image: Image) -> LocatedFace {
        if landmarkSource == .detector, detection.landmarks.count == 5 {
            return LocatedFace(detection: detection,
                               landmarks: detection.landmarks.map { PixelPoint(x: Self.pixel($0.x), y: Self.pixel($0.y)) })
        }
        return LocatedFace(detection: detection, landmarks: landmarks.predict(image: image, box: detection.pixelRect))
    }

    /// The nearest integer, clamped so that no coordinate can trap.
    private static func pixel(_ v: Double) -> Int {
        v.isFinite ? Int(min(max(v, -1e9), 1e9).rounded()) : 0
    }
}
