/// A face found in an image: its box, the detector's confidence and, when the detector gives
/// them, landmarks.
///
/// Coordinates are pixels of the input image, x to the right and y down, with integer values at
/// pixel centres; the box may extend past the image.
public struct FaceDetection: Sendable, Equatable {
    /// Left edge (x1).
    public var left: Double
    /// Top edge (y1).
    public var top: Double
    /// Right edge (x2).
    public var right: Double
    /// Bottom edge (y2).
    public var bottom: Double
    /// The detector's confidence (for MTCNN: O-Net's face probability, in [0, 1]).
    public var score: Float
    /// Landmarks as (x, y). MTCNN gives five: left eye, right eye, nose tip, left and right
    /// mouth corners ("left" is the image's left). Empty when the detector gives none.
    public var landmarks: [SIMD2<Double>]

    /// Creates a detection.
    public init(left: Double, top: Double, right: Double, bottom: Double, score: Float,
                landmarks: [SIMD2<Double>] = []) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
        self.score = score
        self.landmarks = landmarks
    }

    /// `right − left`.
    public var width: Double { right - left }
    /// `bottom − top`.
    public var height: Double { bottom - top }
    /// The box centre.
    public var center: SIMD2<Double> { SIMD2((left + right) / 2, (top + bottom) / 2) }
}
