import Foundation
import VisageModels

/// What ``FacePipeline/init(store:options:)`` loads.
public struct PipelineOptions: Sendable, Equatable {
    /// The detector.
    public var detector: DetectorKind
    /// Times the image is doubled before detection. 1 by default, as face_recognition's
    /// `face_locations` (finds faces down to about 40 pixels; 0 is 4× faster and finds faces from
    /// about 80 pixels).
    public var upsample: Int
    /// Times the image is doubled for a second MMOD pass run only when the first finds no face
    /// or several; `nil` (the default): none. The CLI's gallery commands and server use
    /// ``upsample`` 0 with fallback 1 (`--upsample auto`).
    public var fallbackUpsample: Int?
    /// The landmark model; 5 points by default (face_recognition's `face_encodings` default).
    public var landmarks: LandmarkModel
    /// Where alignment landmarks come from; `nil`: the detector's default
    /// (``DetectorKind/defaultLandmarkSource``; 68 points always from the shape predictor).
    public var landmarkSource: LandmarkSource?
    /// The encoder.
    public var encoder: EncoderID
    /// Jittered copies averaged per face (dlib's ResNet only; 0 or 1: none).
    public var jitters: Int
    /// Weights for encoders that are not in the model store (the OpenFace CSV folder).
    public var encoderWeights: URL?

    /// Options with face_recognition's defaults: MMOD, upsample 1, 5 points, dlib's ResNet, no jitter.
    public init(detector: DetectorKind = .mmod, upsample: Int = 1, landmarks: LandmarkModel = .five,
                encoder: EncoderID = .dlibResNet, jitters: Int = 0, encoderWeights: URL? = nil,
                landmarkSource: LandmarkSource? = nil, fallbackUpsample: Int? = nil) {
        self.detector = detector
        self.fallbackUpsample = fallbackUpsample
        self.landmarkSource = landmarkSource
        self.upsample = upsample
        self.landmarks = landmarks
        self.encoder = encoder
        self.jitters = jitters
        self.encoderWeights = encoderWeights
    }
}

extension FacePipeline {
    /// Loads a pipeline's models from the model store.
    /// - Parameters:
    ///   - store: where the model files are (checked for size and SHA-256).
    ///   - options: which models.
    /// - Throws: `ModelStoreError` for missing or corrupt files, `DlibFormatError` /
    ///   `ModelLoadError` for files that do not parse, ``DetectionError`` for a bad upsampling.
    public init(store: ModelStore, options: PipelineOptions = PipelineOptions()) throws {
        let locator = try FaceLocator(store: store, detector: options.detector, upsample: options.upsample,
                                      fallbackUpsample: options.fallbackUpsample,
                                      landmarks: options.landmarks, landmarkSource: options.landmarkSource)
        let encoder = try EncoderLoader(store: store).encoder(options.encoder, weights: options.encoderWeights,
                                                              jitters: options.jitters)
        self.init(locator: locator, encoder: encoder)
    }
}
