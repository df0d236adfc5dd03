// Layout: source [S, C, H, W] (S samples); columns [C·KH·KW, S·Ho·Wo], row r = (c·KH + ky)·KW + kx,
// column j = s·Ho·Wo + oy·Wo + ox.

/// Unrolls convolution windows into a column matrix (im2col) for one sgemm.
public enum Im2Col {
    /// Fills `dst` with the windows of `samples` NCHW samples starting at `src`.
    /// Out-of-image taps (zero padding) are written as 0.
    public static func fill(_ dst: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>,
                            samples: Int, channels: Int, h: Int, w: Int, kh: Int, kw: Int,
                            sy: Int, sx: Int, pad: Padding, ho: Int, wo: Int) {
        let p = ho * wo
        let rowStride = samples * p
        let dstBits = UInt(bitPattern: dst)
        let srcBits = UInt(bitPattern: src)
        // A pointwise layer's columns are its input planes, side by side: one copy per plane.
        let pointwise = kh == 1 && kw == 1 && sy == 1 && sx == 1 && pad == .zero
        Backend.parallelFor(channels) { c in
            let dst = UnsafeMutablePointer<Float>(bitPattern: dstBits)!
            let src = UnsafePointer<Float>(bitPattern: srcBits)!
            if pointwise {
                for s in 0..<samples { (dst + c * rowStride + s * p).update(from: src + (s * channels + c) * p, count: p) }
                return
            }
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let row = dst + ((c * kh + ky) * kw + kx) * rowStride
                    // Output columns whose input column is inside the image.
                    let oxLo = max(0, -floorDiv(kx - pad.left, sx))
                    let oxHi = min(wo, floorDiv(w - 1 + pad.left - kx, sx) + 1)  // exclusive
                    for s in 0..<samples {
                        let plane = src + (s * channels + c) * h * w
                        let out = row + s * p
                        for oy in 0..<ho {
                            let iy = oy * sy - pad.top + ky
                            let o = out + oy * wo
                            if iy < 0 || iy >= h || oxHi <= oxLo {
                                o.update(repeating: 0, count: wo)
                                continue
                            }
                            if oxLo > 0 { o.update(repeating: 0, count: oxLo) }
                            if oxHi < wo { (o + oxHi).update(repeating: 0, count: wo - oxHi) }
                            let line = plane + iy * w - pad.left + kx
                            if sx == 1 {
                                (o + oxLo).update(from: line + oxLo, count: oxHi - oxLo)
                            } else {
                                for ox in oxLo..<oxHi { o[ox] = line[ox * sx] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Integer division rounding toward −∞.
@inlinable func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

extension Im2Col {
    /// The adjoint of ``fill(_:from:samples:channels:h:w:kh:kw:sy:sx:pad:ho:wo:)`` (col2im): adds
    /// every column entry back onto the input pixel it was read from; taps on the padding are
    /// dropped. Used by convolution backward passes.
    /// - Parameters:
    ///   - dst: `samples` NCHW gradient planes to add into.
    ///   - src: columns [C·KH·KW, S·Ho·Wo] in ``fill(_:from:samples:channels:h:w:kh:kw:sy:sx:pad:ho:wo:)``'s layout.
    public static func accumulate(_ dst: UnsafeMutablePointer<Float>, from src: UnsafePointer<Float>,
                                  samples: Int, channels: Int, h: Int, w: Int, kh: Int, kw: Int,
                                  sy: Int, sx: Int, pad: Padding, ho: Int, wo: Int) {
        let p = ho * wo
        let rowStride = samples * p
        let dstBits = UInt(bitPattern: dst)
        let srcBits = UInt(bitPattern: src)
        // Each channel owns its planes, so channels run in parallel without races.
        Backend.parallelFor(channels) { c in
            let dst = UnsafeMutablePointer<Float>(bitPattern: dstBits)!
            let src = UnsafePointer<Float>(bitPattern: srcBits)!
            for ky in 0..<kh {
                for kx in 0..<kw {
                    let row = src + ((c * kh + ky) * kw + kx) * rowStride
                    let oxLo = max(0, -floorDiv(kx - pad.left, sx))
                    let oxHi = min(wo, floorDiv(w - 1 + pad.left - kx, sx) + 1)
                    if oxHi <= oxLo { continue }
                    for s in 0..<samples {
                        let plane = dst + (s * channels + c) * h * w
                        let col = row + s * p
                        for oy in 0..<ho {
                            let iy = oy * sy - pad.top + ky
                            if iy < 0 || iy >= h { continue }
                            let line = plane + iy * w - pad.left + kx
                            let o = col + oy * wo
                            if sx == 1 {
                                for ox in oxLo..<oxHi { line[ox] += o[ox] }
                            } else {
                                for ox in oxLo..<oxHi { line[ox * sx] += o[ox] }
                            }
                        }
                    }
                }
            }
        }
    }
}
