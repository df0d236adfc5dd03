/// Pillow's separable resampling (`Resample.c`): per-output-pixel weights in 22-bit fixed point,
/// a horizontal pass rounded to 8 bits, then a vertical pass.
struct ResizeKernel {
    /// The first source index each output pixel reads.
    var start: [Int]
    /// How many source pixels each output pixel reads.
    var count: [Int]
    /// `taps` fixed-point weights per output pixel.
    var weights: [Int32]
    /// The stride of ``weights`` per output pixel.
    var taps: Int

    static let precisionBits = 22

    /// Weights for resizing `source` samples to `target` along one axis.
    init(filter: ResizeFilter, source: Int, target: Int) {
        let scale = Double(source) / Double(target)
        let filterScale = max(scale, 1)
        let support = filter.support * filterScale
        let inverseScale = 1 / filterScale
        taps = Int(support.rounded(.up)) * 2 + 1
        start = [Int](repeating: 0, count: target)
        count = [Int](repeating: 0, count: target)
        weights = [Int32](repeating: 0, count: target * taps)
        var raw = [Double](repeating: 0, count: taps)
        let one = Double(1 << Self.precisionBits)
        for i in 0..<target {
            let center = (Double(i) + 0.5) * scale
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), source)
            let n = min(max(hi - lo, 0), taps)
            var total = 0.0
            for k in 0..<n {
                raw[k] = filter.weight((Double(k + lo) - center + 0.5) * inverseScale)
                total += raw[k]
            }
            for k in 0..<n {
                let w = total != 0 ? raw[k] / total : raw[k]
                weights[i * taps + k] = Int32(w * one + (w < 0 ? -0.5 : 0.5))
            }
            start[i] = lo
            count[i] = n
        }
    }

    /// Pillow's clip of a fixed-point sum to 0…255.
    @inline(__always) static func clip(_ sum: Int32) -> UInt8 {
        if sum >= 255 << Int32(precisionBits) { return 255 }
        if sum <= 0 { return 0 }
        return UInt8(truncatingIfNeeded: sum >> Int32(precisionBits))
    }
}

extension Image {
    /// Resize with a convolution filter, Pillow-exact.
    ///
    /// Pillow 13 runs the vertical pass first when the height shrinks and the width grows or
    /// shrinks by less than half as much (`H - h > 2 (W - w)`, found by testing Pillow 13.0);
    /// otherwise the horizontal pass first. The 8-bit rounding between passes makes the order
    /// visible in the output, so it is followed here.
    func resizedConvolution(width outW: Int, height outH: Int, filter: ResizeFilter) -> Image {
        let vertical = ResizeKernel(filter: filter, source: height, target: outH)
        guard outW != width else { return verticalPass(vertical, rowOffset: 0, outHeight: outH) }
        let horizontal = ResizeKernel(filter: filter, source: width, target: outW)
        guard outH != height else { return horizontalPass(horizontal, rows: 0..<height, outWidth: outW) }
        if outH < height, height - outH > 2 * (width - outW) {
            return verticalPass(vertical, rowOffset: 0, outHeight: outH)
                .horizontalPass(horizontal, rows: 0..<outH, outWidth: outW)
        }
        // Only the source rows the vertical pass reads are resampled horizontally.
        let first = vertical.start[0]
        let last = vertical.start[outH - 1] + vertical.count[outH - 1]
        return horizontalPass(horizontal, rows: first..<last, outWidth: outW)
            .verticalPass(vertical, rowOffset: first, outHeight: outH)
    }

    private func horizontalPass(_ kernel: ResizeKernel, rows: Range<Int>, outWidth: Int) -> Image {
        let c = channels, inRow = width * c, outRow = outWidth * c
        let total = rows.count * outRow
        let half = Int32(1 << (ResizeKernel.precisionBits - 1))
        let out = [UInt8](unsafeUninitializedCapacity: total) { dst, initialized in
            pixels.withUnsafeBufferPointer { src in
                kernel.weights.withUnsafeBufferPointer { w in
                    kernel.start.withUnsafeBufferPointer { start in
                        kernel.count.withUnsafeBufferPointer { count in
                            for (r, y) in rows.enumerated() {
                                let srcRow = src.baseAddress! + y * inRow
                                var o = r * outRow
                                for x in 0..<outWidth {
                                    let p = srcRow + start[x] * c, n = count[x], k = w.baseAddress! + x * kernel.taps
                                    if c == 3 {
                                        var s0 = half, s1 = half, s2 = half
                                        for t in 0..<n {
                                            let wt = k[t], q = p + 3 * t
                                            s0 &+= Int32(q[0]) &* wt
                                            s1 &+= Int32(q[1]) &* wt
                                            s2 &+= Int32(q[2]) &* wt
                                        }
                                        dst[o] = ResizeKernel.clip(s0)
                                        dst[o + 1] = ResizeKernel.clip(s1)
                                        dst[o + 2] = ResizeKernel.clip(s2)
                                        o += 3
                                    } else {
                                        var s0 = half
                                        for t in 0..<n { s0 &+= Int32(p[t]) &* k[t] }
                                        dst[o] = ResizeKernel.clip(s0)
                                        o += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialized = total
        }
        return Image(width: outWidth, height: rows.count, format: format, pixels: out)
    }

    private func verticalPass(_ kernel: ResizeKernel, rowOffset: Int, outHeight: Int) -> Image {
        let rowBytes = width * channels
        let total = outHeight * rowBytes
        let half = Int32(1 << (ResizeKernel.precisionBits - 1))
        var sums = [Int32](repeating: 0, count: rowBytes)
        let out = [UInt8](unsafeUninitializedCapacity: total) { dst, initialized in
            pixels.withUnsafeBufferPointer { src in
                sums.withUnsafeMutableBufferPointer { acc in
                    for y in 0..<outHeight {
                        // Row-wise accumulation: every tap adds one contiguous source row.
                        for i in 0..<rowBytes { acc[i] = half }
                        let first = src.baseAddress! + (kernel.start[y] - rowOffset) * rowBytes
                        for t in 0..<kernel.count[y] {
                            let wt = kernel.weights[y * kernel.taps + t], row = first + t * rowBytes
                            for i in 0..<rowBytes { acc[i] &+= Int32(row[i]) &* wt }
                        }
                        let o = y * rowBytes
                        for i in 0..<rowBytes { dst[o + i] = ResizeKernel.clip(acc[i]) }
                    }
                }
            }
            initialized = total
        }
        return Image(width: width, height: outHeight, format: format, pixels: out)
    }
}
