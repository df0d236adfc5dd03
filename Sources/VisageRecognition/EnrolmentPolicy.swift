/// Which face of a photo an enrolment uses.
public enum FaceSelection: String, Sendable, CaseIterable, Codable {
    /// Exactly one face: photos with several faces are rejected (``RejectionReason/multipleFaces``).
    case single
    /// The largest face, whatever else is in the photo.
    case largest
}

/// The quality bar an enrolment photo must pass.
///
/// The blur and exposure limits are measured on the encoder's aligned chip (150 × 150 for dlib's
/// ResNet), so they do not depend on the photo's resolution. The defaults reject clearly
/// unusable faces and accept practically every LFW photo (see docs/cli.md for the measurements).
public struct EnrolmentPolicy: Sendable, Equatable {
    /// Smallest accepted face box side (the shorter of width and height), in source pixels.
    public var minimumFaceSize: Double
    /// Single face only, or the largest face.
    public var faceSelection: FaceSelection
    /// Smallest accepted sharpness (variance of the Laplacian of the chip's grey levels).
    public var minimumSharpness: Double
    /// Accepted range of the chip centre's mean grey level (0–255).
    public var brightnessRange: ClosedRange<Double>
    /// Largest accepted fraction of chip-centre pixels at ≤ 5 or ≥ 250.
    public var maximumClippedFraction: Double
    /// Reject an image whose SHA-256 is already enrolled for the same person.
    public var rejectDuplicateImages: Bool
    /// Store the aligned crop (PNG) with each face, so `gallery reembed` can migrate models.
    public var keepCrops: Bool

    /// Creates a policy; every parameter has a sensible default.
    /// - Parameters:
    ///   - minimumFaceSize: smallest face side in pixels (60).
    ///   - faceSelection: ``FaceSelection/single`` (default) or ``FaceSelection/largest``.
    ///   - minimumSharpness: smallest Laplacian variance of the chip (5; LFW photos measure 6–745, median 42).
    ///   - brightnessRange: accepted mean grey level of the chip centre (35…225).
    ///   - maximumClippedFraction: largest fraction of clipped chip-centre pixels (0.5).
    ///   - rejectDuplicateImages: refuse re-enrolling the same file (true).
    ///   - keepCrops: store aligned crops (true).
    public init(minimumFaceSize: Double = 60, faceSelection: FaceSelection = .single,
                minimumSharpness: Double = 5, brightnessRange: ClosedRange<Double> = 35...225,
                maximumClippedFraction: Double = 0.5, rejectDuplicateImages: Bool = true, keepCrops: Bool = true) {
        self.minimumFaceSize = minimumFaceSize
        self.faceSelection = faceSelection
        self.minimumSharpness = minimumSharpness
        self.brightnessRange = brightnessRange
        self.maximumClippedFraction = maximumClippedFraction
        self.rejectDuplicateImages = rejectDuplicateImages
        self.keepCrops = keepCrops
    }

    /// Checks that the limits make sense.
    /// - Throws: ``RecognitionError/invalidArgument(_:)``.
    public func validate() throws {
        guard minimumFaceSize >= 0, minimumFaceSize.isFinite else {
            throw RecognitionError.invalidArgument("minimum face size \(minimumFaceSize) must be ≥ 0")
        }
        guard minimumSharpness >= 0, minimumSharpness.isFinite else {
            throw RecognitionError.invalidArgument("minimum sharpness \(minimumSharpness) must be ≥ 0")
        }
        guard brightnessRange.lowerBound >= 0, brightnessRange.upperBound <= 255 else {
            throw RecognitionError.invalidArgument("brightness range must lie in 0…255")
        }
        guard (0...1).contains(maximumClippedFraction) else {
            throw RecognitionError.invalidArgument("clipped fraction \(maximumClippedFraction) must be in 0…1")
        }
    }
}
