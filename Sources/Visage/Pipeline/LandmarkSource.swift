/// Where the landmarks that align a face's chip come from.
public enum LandmarkSource: String, Sendable, CaseIterable, Codable {
    /// dlib's shape predictor (5 or 68 points) run inside the detector's box; the chip is dlib's
    /// `get_face_chip_details` alignment.
    case shapePredictor = "shape-predictor"
    /// The detector's own five landmarks (MTCNN's eyes, nose tip and mouth corners), aligned to
    /// the encoder's ``FivePointTemplate``. Detections without five landmarks (MMOD) fall back to
    /// the shape predictor.
    case detector
}
