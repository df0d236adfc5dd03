import Foundation
import VisageModels

extension EncoderLoader {
    /// Loads any shipped encoder: dlib's ResNet from the model store, or a course encoder.
    /// - Parameters:
    ///   - id: the encoder.
    ///   - weights: another weight file / folder (required for `.openFaceNN4`).
    ///   - jitters: jittered copies per face for dlib's ResNet (ignored by the others).
    /// - Throws: `ModelStoreError` for missing or corrupt files, the format's error for bad ones.
    public func encoder(_ id: EncoderID, weights: URL? = nil, jitters: Int = 0) throws -> any FaceEncoder {
        switch id {
        case .dlibResNet:
            return try DlibResNetEncoder(contentsOf: weights ?? store.url(for: .dlibResNet), jitters: jitters)
        case .faceNet160, .openFaceNN4:
            return try courseEncoder(id, weights: weights)
        }
    }
}
