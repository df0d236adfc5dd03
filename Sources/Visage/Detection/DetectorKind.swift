import Foundation
import VisageModels

/// The face detectors Visage ships (the `--detector` option).
public enum DetectorKind: String, Sendable, CaseIterable, Codable {
    /// dlib's MMOD CNN detector (`mmod_human_face_detector.dat`), face_recognition's `model="cnn"`.
    case mmod
    /// MTCNN (facenet-pytorch's P-, R- and O-Net): faces from 20 px, with five landmarks.
    case mtcnn

    /// The model files the detector needs.
    public var files: [ModelFile] {
        switch self {
        case .mmod: return [.mmodDetector]
        case .mtcnn: return [.mtcnnPNet, .mtcnnRNet, .mtcnnONet]
        }
    }

    /// Where the landmarks that align a face come from with this detector by default: dlib's
    /// shape predictor inside the MMOD box; MTCNN's own five points (measured on LFW development
    /// pairs, see docs/detectors.md).
    public var defaultLandmarkSource: LandmarkSource {
        switch self {
        case .mmod: return .shapePredictor
        case .mtcnn: return .detector
        }
    }

    /// Loads the detector from the model store.
    /// - Parameters:
    ///   - store: where the model files are.
    ///   - upsample: times the image is doubled before detection (MMOD only: MTCNN's pyramid
    ///     already starts at faces of 20 px; the value is still checked to be 0…4).
    ///   - fallbackUpsample: MMOD: times the image is doubled for a second pass when the first
    ///     finds no face or several (`nil`: none; checked to be 0…4).
    /// - Throws: `ModelStoreError` for a missing or corrupt file, the format's error for a bad one,
    ///   ``DetectionError/invalidUpsample(_:)``.
    public func makeDetector(store: ModelStore, upsample: Int, fallbackUpsample: Int? = nil) throws -> any FaceDetector {
        for n in [upsample] + (fallbackUpsample.map { [$0] } ?? []) where !(0...MMODDetector.maxUpsample).contains(n) {
            throw DetectionError.invalidUpsample(n)
        }
        switch self {
        case .mmod:
            return try MMODDetector(contentsOf: store.url(for: .mmodDetector), upsample: upsample,
                                    fallbackUpsample: fallbackUpsample)
        case .mtcnn:
            return try MTCNNDetector(store: store)
        }
    }
}
