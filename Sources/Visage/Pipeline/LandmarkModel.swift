import VisageModels

/// Which dlib shape predictor gives the landmarks (and so which template aligns the chip).
public enum LandmarkModel: Int, Sendable, CaseIterable, Codable {
    /// `shape_predictor_5_face_landmarks.dat`: eye corners and nose base (face_recognition's
    /// default for encodings).
    case five = 5
    /// `shape_predictor_68_face_landmarks.dat`: the iBUG 300-W points.
    case sixtyEight = 68

    /// The model file.
    public var file: ModelFile {
        switch self {
        case .five: return .shapePredictor5
        case .sixtyEight: return .shapePredictor68
        }
    }
}
