extension Image {
    /// Returns the image in another pixel format.
    ///
    /// RGB → grey uses Pillow's `convert("L")` luma, `(19595·R + 38470·G + 7471·B + 32768) >> 16`
    /// (ITU-R 601 weights). Grey → RGB copies the value into all three channels.
    /// - Parameter target: the wanted format.
    /// - Returns: the converted image (`self` when it is already in `target`).
    public func converted(to target: PixelFormat) -> Image {
        guard target != format else { return self }
        let n = width * height
        let out: [UInt8]
        switch target {
        case .gray:
            out = [UInt8](unsafeUninitializedCapacity: n) { dst, initialized in
                pixels.withUnsafeBufferPointer { src in
                    guard var s = src.baseAddress, var d = dst.baseAddress else { return }
                    for _ in 0..<n {
                        let luma = 19595 &* UInt32(s[0]) &+ 38470 &* UInt32(s[1]) &+ 7471 &* UInt32(s[2]) &+ 32768
                        d.pointee = UInt8(truncatingIfNeeded: luma >> 16)
                        s += 3; d += 1
                    }
                }
                initialized = n
            }
        case .rgb:
            out = [UInt8](unsafeUninitializedCapacity: n * 3) { dst, initialized in
                pixels.withUnsafeBufferPointer { src in
                    for i in 0..<n {
                        let v = src[i]
                        dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v
                    }
                }
                initialized = n * 3
            }
        }
        return Image(width: width, height: height, format: target, pixels: out)
    }

    /// Returns the image with its first and third channels exchanged (RGB ↔ BGR), for code
    /// that expects OpenCV's BGR order. A grey image is returned unchanged.
    ///
    /// ``Image`` itself always means RGB; the result is only meaningful to such code.
    public func swappingRedBlue() -> Image {
        guard format == .rgb else { return self }
        var copy = self
        copy.pixels.withUnsafeMutableBufferPointer { p in
            var i = 0
            while i < p.count { p.swapAt(i, i + 2); i += 3 }
        }
        return copy
    }
}
