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
            pixels.withUnsafeBufferPointer { source in
                guard let src = source.baseAddress, let out = dst.baseAddress else { return }
                // 32 x 32 output tiles keep the strided source reads of rotations in cache.
                let tile = 32
                for tileY in stride(from: 0, to: outH, by: tile) {
                    for tileX in stride(from: 0, to: outW, by: tile) {
                        let count = min(tileX + tile, outW) - tileX
                        for y in tileY..<min(tileY + tile, outH) {
                            var s = src + (origin + y * stepY + tileX * stepX) * c
                            var o = out + (y * outW + tileX) * c
                            let step = stepX * c
                            if c == 1 {
                                for _ in 0..<count { o.pointee = s.pointee; o += 1; s += step }
                            } else {
                                for _ in 0..<count {
                                    o[0] = s[0]; o[1] = s[1]; o[2] = s[2]
                                    o += 3; s += step
                                }
                            }
                        }
                    }
                }
            }
            initialized = pixels.count
        }
        return Image(width: outW, height: outH, format: format, pixels: out)
    }
}
