import Foundation
import VisageModels

/// The face detectors Visage ships (the `--detector` option).
public enum DetectorKind: String, Sendable, CaseIterable, Codable {
    /// dlib's MMOD CNN detector (`mmod_human_face_detector.dat`), face_recognition's `model="cnn"`.
    case mmod

    /// The model files the detector needs.
    public var files: [ModelFile] {
        switch self {
        case .mmod: return [.mmodDetector]
        }
    }

    /// Loads the detector from the model store.
    /// - Parameters:
    ///   - store: where the model files are.
    ///   - upsample: times the image is doubled before detection.
    /// - Throws: `ModelStoreError` for a missing or corrupt file, the format's error for a bad one.
    public func makeDetector(store: ModelStore, upsample: Int) throws -> any FaceDetector {
        switch self {
        case .mmod:
            guard (0...MMODDetector.maxUpsample).contains(upsample) else { throw DetectionError.invalidUpsample(upsample) }
            return try MMODDetector(contentsOf: store.url(for: .mmodDetector), upsample: upsample)
        }
    }
}
