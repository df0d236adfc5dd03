import FuzzSupport
import VisageImage

// The EXIF orientation reader, both as a bare TIFF structure and inside a JPEG's APP1 segment.

private let callback: FuzzCallback = { start, count in
    let input = Array(fuzzBytes(start, count))
    let fromTIFF = ExifOrientation.parse(tiff: input)
    // Wrapped in a JPEG header, the same TIFF bytes must give the same answer when the segment fits.
    let payload: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0] + input
    if payload.count + 2 <= 0xFFFF {
        let length = payload.count + 2
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 255)] + payload + [0xFF, 0xD9]
        precondition(ExifOrientation.parse(jpeg: jpeg) == fromTIFF, "the JPEG walk disagrees with the TIFF reader")
    }
    _ = ExifOrientation.parse(jpeg: input)
    return 0
}

@_cdecl("fuzz_exif_main")
func fuzzExifMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: {
        func tiff(bigEndian: Bool, type: UInt16, value: UInt32, entries: Int) -> [UInt8] {
            func u16(_ v: UInt16) -> [UInt8] { bigEndian ? [UInt8(v >> 8), UInt8(v & 255)] : [UInt8(v & 255), UInt8(v >> 8)] }
            func u32(_ v: UInt32) -> [UInt8] {
                bigEndian ? u16(UInt16(v >> 16)) + u16(UInt16(v & 0xFFFF)) : u16(UInt16(v & 0xFFFF)) + u16(UInt16(v >> 16))
            }
            var out: [UInt8] = (bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]) + u16(42) + u32(8) + u16(UInt16(entries))
            for i in 0..<(entries - 1) { out += u16(0x0100 + UInt16(i)) + u16(3) + u32(1) + u32(7) }
            out += u16(0x0112) + u16(type) + u32(1) + (type == 3 ? u16(UInt16(value)) + [0, 0] : u32(value))
            return out + u32(0)
        }
        return [("ii-short-6", tiff(bigEndian: false, type: 3, value: 6, entries: 1)),
                ("mm-short-3", tiff(bigEndian: true, type: 3, value: 3, entries: 3)),
                ("ii-long-8", tiff(bigEndian: false, type: 4, value: 8, entries: 2)),
                ("mm-bad-9", tiff(bigEndian: true, type: 3, value: 9, entries: 1))]
    }, callback: callback)
}
