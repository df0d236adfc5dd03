extension Image {
    /// Returns the image made upright according to an EXIF orientation.
    ///
    /// For orientations 5 to 8 the result's width and height are swapped. Decoders already call
    /// this, so only images from other sources need it.
    /// - Parameter orientation: the orientation the stored pixels carry.
    /// - Returns: the upright image (a copy of `self` for ``ExifOrientation/up``).
    public func oriented(_ orientation: ExifOrientation) -> Image {
        let w = width, h = height
        // The source pixel for output (x', y') is origin + x' * stepX + y' * stepY (in pixels).
        let origin: Int, stepX: Int, stepY: Int
        switch orientation {
        case .up: return self
        case .upMirrored: (origin, stepX, stepY) = (w - 1, -1, w)
        case .down: (origin, stepX, stepY) = ((h - 1) * w + w - 1, -1, -w)
        case .downMirrored: (origin, stepX, stepY) = ((h - 1) * w, 1, -w)
        case .leftMirrored: (origin, stepX, stepY) = (0, w, 1)
        case .right: (origin, stepX, stepY) = ((h - 1) * w, -w, 1)
        case .rightMirrored: (origin, stepX, stepY) = ((h - 1) * w + w - 1, -w, -1)
        case .left: (origin, stepX, stepY) = (w - 1, w, -1)
        }
        let outW = orientation.swapsDimensions ? h : w
        let outH = orientation.swapsDimensions ? w : h
        let c = channels
        guard outW > 0, outH > 0 else { return Image(width: outW, height: outH, format: format) }
        let out = [UInt8](unsafeUninitializedCapacity: pixels.count) { dst, initialized in
            pixels.withUnsafeBufferPointer { src in
                var o = 0
                for y in 0..<outH {
                    var s = origin + y * stepY
                    if c == 1 {
                        for _ in 0..<outW { dst[o] = src[s]; o += 1; s += stepX }
                    } else {
                        for _ in 0..<outW {
                            let p = s * 3
                            dst[o] = src[p]; dst[o + 1] = src[p + 1]; dst[o + 2] = src[p + 2]
                            o += 3; s += stepX
                        }
                    }
                }
            }
            initialized = pixels.count
        }
        return Image(width: outW, height: outH, format: format, pixels: out)
    }
}
