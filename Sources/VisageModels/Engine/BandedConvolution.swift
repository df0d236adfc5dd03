import VisageNN

// Layout: CNHW in and out (see PlaneBuffer). Weight [O, K], K = C·KH·KW in (c, ky, kx) order,
// i.e. VisageNN's [O, I, KH, KW] flattened.
// The output rows (sample, oy) are processed in bands: im2col of one band into a small buffer,
// one sgemm writing straight into the output ([O, N·Ho·Wo], row stride N·Ho·Wo), then bias and
// ReLU on the band while it is in cache. No buffer grows with the image.

/// A convolution with its bias and optional ReLU, run band by band.
struct BandedConvolution: Sendable {
    /// Filters [O, C·KH·KW].
    let weight: [Float]
    /// One bias per output channel.
    let bias: [Float]
    /// Output channels.
    let outChannels: Int
    /// Input channels.
    let inChannels: Int
    /// Kernel rows and columns.
    let kh: Int, kw: Int
    /// Strides.
    let sy: Int, sx: Int
    /// Zero padding.
    let padding: PaddingMode
    /// Whether a ReLU follows.
    let relu: Bool

    /// The largest im2col band, in floats (24 MB): wide sgemms (measured: 15–20 % less CPU than
    /// 8 MB bands on the face ResNet), yet below glibc's 32 MB limit for reusing freed blocks
    /// without page faults.
    private static let bandBudget = 6 << 20

    /// Takes a VisageNN convolution's weights and geometry.
    init(_ conv: Conv2D) {
        weight = conv.weight.storage
        bias = conv.bias?.storage ?? [Float](repeating: 0, count: conv.outChannels)
        outChannels = conv.outChannels
        inChannels = conv.inChannels
        (kh, kw) = conv.kernel
        (sy, sx) = conv.stride
        padding = conv.padding
        relu = conv.activation == .relu
    }

    private func geometry(h: Int, w: Int) -> (pad: Padding, ho: Int, wo: Int) {
        let pad = padding.resolve(h: h, w: w, kh: kh, kw: kw, sy: sy, sx: sx)
        let ho = (h + pad.top + pad.bottom - kh) / sy + 1
        let wo = (w + pad.left + pad.right - kw) / sx + 1
        return (pad, max(ho, 0), max(wo, 0))
    }

    /// Runs the convolution on a CNHW buffer, returning a new one.
    func run(_ x: PlaneBuffer) -> PlaneBuffer {
        let g = geometry(h: x.h, w: x.w)
        let out = x.sibling(c: outChannels, n: x.n, h: g.ho, w: g.wo)
        let rows = x.n * g.ho, wo = g.wo
        guard rows > 0, wo > 0 else { return out }
        let k = inChannels * kh * kw
        let bandRows = max(1, min(rows, Self.bandBudget / max(k * wo, 1)))
        let col = x.pool.allocate(k * bandRows * wo)
        defer { x.pool.release(col) }
        let ldc = rows * wo
        weight.withUnsafeBufferPointer { wp in
            var r0 = 0
            while r0 < rows {
                let r1 = min(rows, r0 + bandRows)
                let cols = (r1 - r0) * wo
                fillBand(col, from: x, pad: g.pad, ho: g.ho, wo: wo, rows: r0..<r1)
                Gemm.sgemm(m: outChannels, n: cols, k: k, a: wp.baseAddress!, lda: k, b: col, ldb: cols,
                           c: out.data + r0 * wo, ldc: ldc)
                epilogue(out.data + r0 * wo, count: cols, stride: ldc)
                r0 = r1
            }
        }
        return out
    }

    /// im2col of output rows `rows` (global row r = sample · Ho + oy): column j = (r − r0)·Wo + ox.
    private func fillBand(_ col: UnsafeMutablePointer<Float>, from x: PlaneBuffer, pad: Padding, ho: Int, wo: Int,
                          rows: Range<Int>) {
        let (h, w, n) = (x.h, x.w, x.n)
        let (kh, kw, sy, sx) = (self.kh, self.kw, self.sy, self.sx)
        let bandCols = rows.count * wo
        let colBits = UInt(bitPattern: col), srcBits = UInt(bitPattern: x.data)
        if sy == 1 && sx == 1 && ho == h && wo == w {
            fillSameBand(col, from: x, pad: pad, rows: rows)
            return
        }
        Backend.parallelFor(inChannels * kh) { task in
            let c = task / kh, ky = task % kh
            let col = UnsafeMutablePointer<Float>(bitPattern: colBits)!
            let src = UnsafePointer<Float>(bitPattern: srcBits)!
            for kx in 0..<kw {
                let row = col + ((c * kh + ky) * kw + kx) * bandCols
                // Output columns whose input column is inside the image.
                let oxLo = min(wo, max(0, (pad.left - kx + sx - 1) / sx))
                let span = w - 1 + pad.left - kx
                let oxHi = span < 0 ? oxLo : max(oxLo, min(wo, span / sx + 1))
                for r in rows {
                    let s = r / ho, oy = r % ho
                    let iy = oy * sy - pad.top + ky
                    let o = row + (r - rows.lowerBound) * wo
                    guard iy >= 0, iy < h, oxHi > oxLo else {
                        o.update(repeating: 0, count: wo)
                        continue
                    }
                    if oxLo > 0 { o.update(repeating: 0, count: oxLo) }
                    if oxHi < wo { (o + oxHi).update(repeating: 0, count: wo - oxHi) }
                    let line = src + ((c * n + s) * h + iy) * w - pad.left + kx
                    if sx == 1 {
                        (o + oxLo).update(from: line + oxLo, count: oxHi - oxLo)
                    } else {
                        for ox in oxLo..<oxHi { o[ox] = line[ox * sx] }
                    }
                }
            }
        }
    }

    /// im2col for a stride-1 convolution whose output has the input's size: every (c, ky, kx)
    /// row of the band is the channel's [N·H, W] block shifted by (ky − top, kx − left), so it is
    /// one block copy followed by zeroing the rows and columns that fall in the padding.
    private func fillSameBand(_ col: UnsafeMutablePointer<Float>, from x: PlaneBuffer, pad: Padding,
                              rows: Range<Int>) {
        let (h, w, n) = (x.h, x.w, x.n)
        let (kh, kw) = (self.kh, self.kw)
        let bandCols = rows.count * w
        let block = n * h * w
        let colBits = UInt(bitPattern: col), srcBits = UInt(bitPattern: x.data)
        Backend.parallelFor(inChannels * kh) { task in
            let c = task / kh, ky = task % kh
            let col = UnsafeMutablePointer<Float>(bitPattern: colBits)!
            let channel = UnsafePointer<Float>(bitPattern: srcBits)! + c * block
            let dy = ky - pad.top
            for kx in 0..<kw {
                let dx = kx - pad.left
                let row = col + ((c * kh + ky) * kw + kx) * bandCols
                // The shifted block, clipped to the channel.
                let start = rows.lowerBound * w + dy * w + dx
                let lo = max(0, -start), hi = min(bandCols, block - start)
                if lo > 0 { row.update(repeating: 0, count: min(lo, bandCols)) }
                if hi > lo { (row + lo).update(from: channel + start + lo, count: hi - lo) }
                if hi < bandCols { (row + max(hi, 0)).update(repeating: 0, count: bandCols - max(hi, 0)) }
                // Rows whose input row is outside their own sample, and columns in the padding.
                for r in rows {
                    let oy = r % h
                    let o = row + (r - rows.lowerBound) * w
                    if oy + dy < 0 || oy + dy >= h {
                        o.update(repeating: 0, count: w)
                    } else if dx < 0 {
                        o.update(repeating: 0, count: min(-dx, w))
                    } else if dx > 0 {
                        (o + max(w - dx, 0)).update(repeating: 0, count: min(dx, w))
                    }
                }
            }
        }
    }

    /// Adds the bias and applies the ReLU to `count` outputs of every channel.
    private func epilogue(_ base: UnsafeMutablePointer<Float>, count: Int, stride: Int) {
        let bits = UInt(bitPattern: base)
        let relu = self.relu
        bias.withUnsafeBufferPointer { bp in
            let biasBits = UInt(bitPattern: bp.baseAddress!)
            Backend.parallelFor(outChannels) { o in
                let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + o * stride
                let b = UnsafePointer<Float>(bitPattern: biasBits)![o]
                if relu {
                    for j in 0..<count { p[j] = max(p[j] + b, 0) }
                } else {
                    for j in 0..<count { p[j] += b }
                }
            }
        }
    }
}
