/// What the header segments of a JPEG file (from SOI up to the first SOS) tell us beyond what
/// libjpeg reports: the Exif orientation, and whether the headers are complete.
struct JPEGSegments {
    /// The orientation from the first Exif APP1 segment, if any.
    var orientation: ExifOrientation?
    /// Whether the walk reached the start of scan (SOS) marker.
    var reachedScan = false
    /// Whether the data ended inside the header segments.
    var endedEarly = false

    /// Walks the marker segments. Never reads out of bounds; stops at SOS, EOI, the end of the
    /// data or anything that is not a well-formed segment (libjpeg then judges the rest).
    static func scan(_ data: UnsafeBufferPointer<UInt8>) -> JPEGSegments {
        var result = JPEGSegments()
        guard data.count >= 2, data[0] == 0xFF, data[1] == 0xD8 else { return result }
        var at = 2
        while true {
            guard at < data.count else { result.endedEarly = true; return result }
            guard data[at] == 0xFF else { return result }
            while at < data.count, data[at] == 0xFF { at += 1 }  // fill bytes
            guard at < data.count else { result.endedEarly = true; return result }
            let marker = data[at]
            at += 1
            switch marker {
            case 0xDA:
                result.reachedScan = true
                return result
            case 0xD9:
                return result
            case 0x01, 0xD0...0xD7:
                continue  // stand-alone markers without a length
            default:
                break
            }
            guard at + 2 <= data.count else { result.endedEarly = true; return result }
            let length = Int(data[at]) << 8 | Int(data[at + 1])
            guard length >= 2 else { return result }
            guard at + length <= data.count else { result.endedEarly = true; return result }
            let payload = UnsafeBufferPointer(rebasing: data[(at + 2)..<(at + length)])
            if marker == 0xE1, result.orientation == nil, payload.starts(with: exifSignature) {
                let tiff = UnsafeBufferPointer(rebasing: payload[(payload.startIndex + 6)...])
                result.orientation = ExifOrientation.parse(tiff: tiff)
            }
            at += length
        }
    }

    private static let exifSignature: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"
}
