/// A file format to write, with its settings.
public enum ImageEncoding: Sendable, Equatable {
    /// Lossless PNG (libspng, zlib level 0–9).
    case png(compressionLevel: Int = 6)
    /// JPEG (libjpeg-turbo).
    case jpeg(JPEGEncodeOptions = JPEGEncodeOptions())
    /// Binary Netpbm: `P5` for grey images, `P6` for RGB, maxval 255.
    case pnm
}

extension Image {
    /// Encodes the image as a complete file.
    /// - Parameter encoding: the format and its settings.
    /// - Returns: the file's bytes.
    /// - Throws: ``ImageError/encodingFailed(_:)`` or ``ImageError/invalidArgument(_:)``.
    public func encoded(as encoding: ImageEncoding) throws -> [UInt8] {
        switch encoding {
        case .png(let level): return try pngData(compressionLevel: level)
        case .jpeg(let options): return try jpegData(options)
        case .pnm: return pnmData()
        }
    }

    /// Encodes the image and writes it to a file (atomically).
    /// - Parameters:
    ///   - path: where to write.
    ///   - encoding: the format and its settings.
    /// - Throws: ``ImageError/io(path:reason:)`` when writing fails, else as ``encoded(as:)``.
    public func write(to path: String, as encoding: ImageEncoding) throws {
        try FileIO.write(encoded(as: encoding), path: path)
    }
}
