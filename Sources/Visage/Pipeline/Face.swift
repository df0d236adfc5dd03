import VisageImage

/// A face found by ``FacePipeline``: where it is, its landmarks, the aligned chip and its
/// embedding.
public struct Face: Sendable, Equatable {
    /// The detector's box and confidence.
    public var detection: FaceDetection
    /// Landmarks from the shape predictor (5 or 68 points), in image pixels.
    public var landmarks: [PixelPoint]
    /// The image the encoder saw (dlib's 150 × 150 aligned chip for dlib's ResNet).
    public var chip: Image
    /// The embedding (raw dlib descriptor for dlib's ResNet).
    public var embedding: [Float]

    /// Creates a face.
    public init(detection: FaceDetection, landmarks: [PixelPoint], chip: Image, embedding: [Float]) {
        self.detection = detection
        self.landmarks = landmarks
        self.chip = chip
        self.embedding = embedding
    }
}

/// A located face without chip or embedding (what `visage detect` prints).
public struct LocatedFace: Sendable, Equatable {
    /// The detector's box and confidence.
    public var detection: FaceDetection
    /// Landmarks from the shape predictor, in image pixels.
    public var landmarks: [PixelPoint]

    /// Creates a located face.
    public init(detection: FaceDetection, landmarks: [PixelPoint]) {
        self.detection = detection
        self.landmarks = landmarks
    }
}

extension FaceDetection {
    /// The box as an integer rectangle (inclusive bounds), rounding each edge to the nearest
    /// integer; for dlib's detectors the edges already are integers.
    public var pixelRect: PixelRect {
        PixelRect(left: Int(left.rounded()), top: Int(top.rounded()), right: Int(right.rounded()),
                  bottom: Int(bottom.rounded()))
    }
}
