extension Image {
    /// Nearest-neighbour resize exactly as Pillow's `resize(size, NEAREST)` computes it.
    ///
    /// Pillow steps the source coordinate by `W/w` from `W/(2w)` in double precision and truncates;
    /// the same sums are done here, so even sizes where `(x+½)·W/w` lands on an integer agree.
    func resizedNearest(width outW: Int, height outH: Int) -> Image {
        let c = channels
        let xs = Self.nearestIndices(source: width, target: outW)
        let ys = Self.nearestIndices(source: height, target: outH)
        let rowBytes = outW * c
        let out = [UInt8](unsafeUninitializedCapacity: outH * rowBytes) { dst, initialized in
            pixels.withUnsafeBufferPointer { src in
                xs.withUnsafeBufferPointer { xs in
                    for (y, sy) in ys.enumerated() {
                        let srcRow = sy * width * c
                        var o = y * rowBytes
                        if c == 1 {
                            for sx in xs { dst[o] = src[srcRow + sx]; o += 1 }
                        } else {
                            for sx in xs {
                                let p = srcRow + sx * 3
                                dst[o] = src[p]; dst[o + 1] = src[p + 1]; dst[o + 2] = src[p + 2]
                                o += 3
                            }
                        }
                    }
                }
            }
            initialized = outH * rowBytes
        }
        return Image(width: outW, height: outH, format: format, pixels: out)
    }

    /// The source index for each output index, by Pillow's accumulated double-precision steps.
    static func nearestIndices(source: Int, target: Int) -> [Int] {
        let step = Double(source) / Double(target)
        var position = step * 0.5
        var indices = [Int](repeating: 0, count: target)
        for i in 0..<target {
            indices[i] = min(max(position < 0 ? 0 : Int(position), 0), source - 1)
            position += step
        }
        return indices
    }
}
