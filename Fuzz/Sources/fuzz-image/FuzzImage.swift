import FuzzSupport
import VisageImage

// Image.decode on any bytes: JPEG (libjpeg-turbo + our segment walk and EXIF), PNG (libspng),
// PGM/PPM (our parser). Limits are small so that one input stays fast; what is checked is
// that every input ends in an image or an ImageError, never a crash or an unbounded allocation.

private let limits = DecodeLimits(maxPixels: 1 << 22, maxFileBytes: 1 << 22,
                                  maxPNGChunkBytes: 1 << 22, maxPNGChunkCacheBytes: 1 << 22)

private let callback: FuzzCallback = { start, count in
    let input = Array(fuzzBytes(start, count))
    if let image = try? Image.decode(data: input, limits: limits) {
        // A decoded image must be self-consistent.
        precondition(image.pixels.count == image.width * image.height * image.channels)
        precondition(image.width * image.height <= limits.maxPixels)
    }
    return 0
}

@_cdecl("fuzz_image_main")
func fuzzImageMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: ImageSeeds.all, callback: callback)
}
