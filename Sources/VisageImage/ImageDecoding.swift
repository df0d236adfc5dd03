import Foundation

/// Whether decoding turns images upright according to their EXIF orientation tag.
public enum OrientationPolicy: Sendable, Equatable {
    /// Apply the EXIF orientation so the returned image is upright (the default).
    case applyExif
    /// Return the pixels as stored, ignoring any orientation tag.
    case ignoreExif
}

extension Image {
    /// Decodes a JPEG, PNG or PNM image, recognised by its content (not its name).
    ///
    /// JPEG uses libjpeg-turbo with the accurate DCT and smooth upsampling; PNG uses libspng;
    /// PGM/PPM are parsed here. Sizes are checked against `limits` before any pixel buffer is
    /// allocated. Grey sources give ``PixelFormat/gray``, colour sources ``PixelFormat/rgb``
    /// (alpha dropped, 16-bit reduced to 8-bit).
    /// - Parameters:
    ///   - data: the whole file.
    ///   - limits: size limits (100 million pixels by default).
    ///   - orientation: whether to apply a JPEG's EXIF orientation (yes by default).
    /// - Throws: ``ImageError`` — `.empty`, `.unsupportedFormat`, `.truncated`, `.corrupt`,
    ///   `.tooLarge` or `.fileTooLarge`.
    public static func decode(data: [UInt8], limits: DecodeLimits = .default,
                              orientation: OrientationPolicy = .applyExif) throws -> Image {
        try data.withUnsafeBufferPointer { try decode(buffer: $0, limits: limits, orientation: orientation) }
    }

    /// Decodes a JPEG, PNG or PNM image held in `Data`; see ``decode(data:limits:orientation:)-([UInt8],_,_)``.
    /// - Throws: ``ImageError``.
    public static func decode(data: Data, limits: DecodeLimits = .default,
                              orientation: OrientationPolicy = .applyExif) throws -> Image {
        try data.withUnsafeBytes { raw in
            try decode(buffer: raw.bindMemory(to: UInt8.self), limits: limits, orientation: orientation)
        }
    }

    /// Reads and decodes an image file; see ``decode(data:limits:orientation:)-([UInt8],_,_)``.
    /// - Parameters:
    ///   - path: the file's path.
    ///   - limits: size limits; a file above `limits.maxFileBytes` is refused before it is read.
    ///   - orientation: whether to apply a JPEG's EXIF orientation (yes by default).
    /// - Throws: ``ImageError/io(path:reason:)`` when the file cannot be read, else as `decode`.
    public static func load(path: String, limits: DecodeLimits = .default,
                            orientation: OrientationPolicy = .applyExif) throws -> Image {
        let bytes = try FileIO.read(path: path, maxBytes: limits.maxFileBytes)
        return try decode(data: bytes, limits: limits, orientation: orientation)
    }

    /// Decodes from raw memory: the one place that dispatches on the detected format.
    static func decode(buffer: UnsafeBufferPointer<UInt8>, limits: DecodeLimits,
                       orientation policy: OrientationPolicy) throws -> Image {
        guard !buffer.isEmpty else { throw ImageError.empty }
        guard buffer.count <= limits.maxFileBytes else {
            throw ImageError.fileTooLarge(bytes: buffer.count, limit: limits.maxFileBytes)
        }
        switch ImageFileFormat.detect(buffer) {
        case .jpeg:
            let (image, exif) = try JPEGDecoder.decode(buffer, limits: limits)
            guard policy == .applyExif, let exif else { return image }
            return image.oriented(exif)
        case .png:
            return try PNGDecoder.decode(buffer, limits: limits)
        case .pnm:
            return try PNMDecoder.decode(buffer, limits: limits)
        case nil:
            throw ImageError.unsupportedFormat(ImageFileFormat.describeHead(buffer))
        }
    }
}
