/// The eight EXIF orientations (TIFF tag 0x0112): how the stored pixels must be turned to be upright.
///
/// The case names follow Apple's `CGImagePropertyOrientation`. Each case's comment says what
/// ``Image/oriented(_:)`` does to the stored image to make it upright.
public enum ExifOrientation: Int, Sendable, Equatable, CaseIterable {
    /// 1: already upright; nothing to do.
    case up = 1
    /// 2: mirrored; flip left-right.
    case upMirrored = 2
    /// 3: upside down; rotate 180°.
    case down = 3
    /// 4: mirrored upside down; flip top-bottom.
    case downMirrored = 4
    /// 5: transpose across the main diagonal (output column x is stored row x).
    case leftMirrored = 5
    /// 6: rotate 90° clockwise (the stored first row becomes the right column).
    case right = 6
    /// 7: transpose across the anti-diagonal (the stored bottom-right pixel becomes top-left).
    case rightMirrored = 7
    /// 8: rotate 90° counter-clockwise (the stored first row becomes the left column, bottom to top).
    case left = 8

    /// Whether making the image upright swaps its width and height (orientations 5 to 8).
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// Reads the orientation tag from a TIFF structure, as found in an Exif block after `"Exif\0\0"`.
    ///
    /// Both byte orders (`II` and `MM`) are understood. Every offset is bounds-checked, so any
    /// input is safe; a damaged or missing tag gives `nil`.
    /// - Parameter tiff: the TIFF header and what follows it.
    /// - Returns: the orientation, or `nil` when the tag is absent, malformed or out of range.
    public static func parse<C: Collection>(tiff: C) -> ExifOrientation? where C.Element == UInt8, C.Index == Int {
        let base = tiff.startIndex
        let count = tiff.count
        guard count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[base], tiff[base + 1]) {
        case (0x49, 0x49): bigEndian = false
        case (0x4D, 0x4D): bigEndian = true
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at <= count - 2 else { return nil }
            let a = Int(tiff[base + at]), b = Int(tiff[base + at + 1])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func u32(_ at: Int) -> Int? {
            guard let hi = u16(bigEndian ? at : at + 2), let lo = u16(bigEndian ? at + 2 : at) else { return nil }
            return hi << 16 | lo
        }
        guard u16(2) == 42, let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for index in 0..<entries {
            let entry = ifd + 2 + index * 12
            guard let tag = u16(entry) else { return nil }
            guard tag == 0x0112 else { continue }
            guard let type = u16(entry + 2), let n = u32(entry + 4), n >= 1 else { return nil }
            let value: Int?
            switch type {
            case 3: value = u16(entry + 8)   // SHORT, the type the standard prescribes
            case 4: value = u32(entry + 8)   // LONG, written by a few tools
            default: value = nil
            }
            return value.flatMap(ExifOrientation.init(rawValue:))
        }
        return nil
    }

    /// Reads the orientation from the Exif (APP1) segment of a JPEG file.
    /// - Parameter jpeg: the whole JPEG file, or at least everything up to its first scan.
    /// - Returns: the orientation, or `nil` when the file has no usable orientation tag.
    public static func parse(jpeg: [UInt8]) -> ExifOrientation? {
        jpeg.withUnsafeBufferPointer { JPEGSegments.scan($0).orientation }
    }
}
