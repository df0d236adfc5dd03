/// Everything that can go wrong while reading, writing or transforming an ``Image``.
///
/// Decoders never crash and never allocate on the word of a header alone: a hostile or broken
/// file becomes one of these cases.
public enum ImageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input holds no bytes at all.
    case empty
    /// The bytes are not a JPEG, PNG or PNM file (detected by content, not by file name).
    /// The payload describes what the first bytes look like.
    case unsupportedFormat(String)
    /// The file ends before the image data does. The payload names the format and where it ended.
    case truncated(String)
    /// The file is damaged or violates its format. The payload is the decoder's explanation.
    case corrupt(String)
    /// The image has more pixels than ``DecodeLimits/maxPixels`` allows (checked before allocating).
    case tooLarge(width: Int, height: Int, limit: Int)
    /// The file is larger than ``DecodeLimits/maxFileBytes`` allows.
    case fileTooLarge(bytes: Int, limit: Int)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)
    /// An encoder rejected the image or failed. The payload is the encoder's explanation.
    case encodingFailed(String)
    /// An operation got an argument it cannot work with (a zero output size, for example).
    case invalidArgument(String)

    /// A message that says what happened and what to do about it.
    public var description: String {
        switch self {
        case .empty:
            return "the image data is empty (0 bytes)"
        case .unsupportedFormat(let what):
            return "unsupported image format (\(what)); Visage reads JPEG, PNG and PGM/PPM (P2, P3, P5, P6)"
        case .truncated(let detail):
            return "the image file is truncated: \(detail); the file was probably cut off while copying or downloading"
        case .corrupt(let detail):
            return "the image file is corrupt: \(detail)"
        case .tooLarge(let width, let height, let limit):
            return "the image is \(width)x\(height) = \(width.multipliedReportingOverflow(by: height).partialValue) pixels, more than the limit of \(limit); raise DecodeLimits.maxPixels if this image is trusted"
        case .fileTooLarge(let bytes, let limit):
            return "the image file has \(bytes) bytes, more than the limit of \(limit); raise DecodeLimits.maxFileBytes if this file is trusted"
        case .io(let path, let reason):
            return "cannot access \(path): \(reason)"
        case .encodingFailed(let detail):
            return "cannot encode the image: \(detail)"
        case .invalidArgument(let detail):
            return "invalid argument: \(detail)"
        }
    }
}
