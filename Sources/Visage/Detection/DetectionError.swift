/// Why a detector could not be built or could not process an image.
public enum DetectionError: Error, Equatable, CustomStringConvertible {
    /// The image, after upsampling, has more pixels than the detector accepts.
    case imageTooLarge(width: Int, height: Int, upsample: Int, maxPixels: Int)
    /// The upsampling count is negative or unreasonably large.
    case invalidUpsample(Int)
    /// An option is out of its valid range; the message names it and the range.
    case invalidOption(name: String, value: Double, valid: String)

    /// A message that says what to change.
    public var description: String {
        switch self {
        case let .imageTooLarge(width, height, upsample, maxPixels):
            let factor = 1 << min(upsample, 30)
            return "image \(width)×\(height) upsampled \(upsample) time(s) is about \(width * factor)×\(height * factor) pixels, "
                + "more than the detector's limit of \(maxPixels) pixels: use a lower --upsample or a smaller image"
        case let .invalidUpsample(n):
            return "upsample count \(n) is invalid: use 0…\(MMODDetector.maxUpsample)"
        case let .invalidOption(name, value, valid):
            return "detector option \(name) = \(value) is invalid: it must be \(valid)"
        }
    }
}
