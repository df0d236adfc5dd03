import CVisageKernels

// Layout: CNHW in and out (see ChannelMajor). Weight [O, K], K = I·KH·KW in (i, ky, kx) order —
// Conv2D's [O, I, KH, KW] flattened. Output rows r = n·Ho + oy of the whole batch are processed
// in bands: im2col of a band (columns j = (r − r0)·Wo + ox), one sgemm writing straight into
// the output [O, N·Ho·Wo] (row stride N·Ho·Wo), then bias and ReLU on the band while it is warm.
// A 1×1 stride-1 unpadded convolution reads its input as the column matrix: one sgemm, no copy.
// A stride-1 3×3 one with enough channels and tiles runs WinogradBatchKernel instead (no im2col),
// by F(4×4, 3×3) on planes large enough for it, else F(2×2, 3×3); a stride-1 1×7 or 7×1 one runs
// LineWinogradKernel's F(2, 7).
// A product with few columns (a batch of one's late layers; up to 320 for an im2col, or for a 1×1
// with small weights) runs PackedGemmKernel, whose weights were packed when the plan was built, on
// the input itself (1×1, read in place) or on the im2col of the batch written straight into the
// kernel's tiles.

/// A ``Conv2D`` prepared for a plan: one wide sgemm per band of the batch's output rows.
final class PlanConvolution: @unchecked Sendable {
    /// The convolution (weights, bias, geometry).
    let conv: Conv2D
    /// Output channels, input channels, K = I·KH·KW.
    let o: Int, i: Int, k: Int
    /// The same convolution by Winograd's F(2×2, 3×3), when it applies.
    let winograd: WinogradBatchKernel?
    /// The same by F(4×4, 3×3), packed on first use, when asked for and `winograd` applies.
    let largeTiles: LargeTileWinograd?
    /// The same convolution by Winograd's F(2, 7), for a 1 × 7 or 7 × 1 one, when it applies.
    let line: LineWinogradKernel?
    /// The same weights packed for products with few columns, when asked for.
    let packed: PackedGemmKernel?
    /// The same convolution by the direct kernel, for at most ``DirectKernel/narrowInputChannels``
    /// input channels (an image's first layer): NN4.small2's 7 × 7 / 2 and FaceNet-160's 3 × 3 / 2
    /// first layers run 1.4–1.7× faster on one core than by im2col + sgemm (docs/engine.md,
    /// session 19).
    let direct: DirectKernel?

    /// The largest im2col band in floats (16 MB): wide enough for efficient sgemms, small enough
    /// for glibc to reuse freed blocks without fresh page faults.
    static let bandBudget = 4 << 20

    /// Prepares `conv`; with `winograd`, also its Winograd form when ``WinogradBatchKernel`` or
    /// (with `lineWinograd`) ``LineWinogradKernel`` takes it; with `packed`, also its weights packed
    /// for ``PackedGemmKernel``; with `largeTiles` (and `winograd`), F(4×4, 3×3) where the planes
    /// are large enough. `allowsAVX512: false` keeps the Winograd, packed and direct kernels in
    /// AVX2 on a CPU with AVX-512 (to compare).
    init(_ conv: Conv2D, winograd: Bool = false, packed: Bool = false, largeTiles: Bool = false,
         lineWinograd: Bool = true, allowsAVX512: Bool = true) {
        self.conv = conv
        o = conv.outChannels
        i = conv.inChannels
        k = conv.weight.count / max(conv.outChannels, 1)
        self.winograd = winograd ? WinogradBatchKernel(conv, allowsAVX512: allowsAVX512) : nil
        self.largeTiles = largeTiles && self.winograd != nil ? LargeTileWinograd(conv) : nil
        line = winograd && lineWinograd ? LineWinogradKernel(conv, allowsAVX512: allowsAVX512) : nil
        self.packed = packed ? PackedGemmKernel(conv, allowsAVX512: allowsAVX512) : nil
        let fused = conv.activation == .identity || conv.activation == .relu
        direct = DirectKernel.isAvailable && fused && conv.inChannels <= DirectKernel.narrowInputChannels
            ? DirectKernel(weight: conv.weight.storage, outChannels: conv.outChannels, inChannels: conv.inChannels,
                           kh: conv.kernel.h, kw: conv.kernel.w, bias: conv.bias?.storage,
                           relu: conv.activation == .relu, allowsAVX512: allowsAVX512)
            : nil
    }

    /// The output's NCHW shape for a CNHW input.
    func outputShape(_ x: ChannelMajor) -> [Int] { conv.outputShape(for: [x.n, x.c, x.h, x.w]) }

    /// Writes `alpha · (conv(x) + bias)` into `out`, or adds it to `out` when `accumulate`, then
    /// applies the convolution's activation, and a ReLU after all when `clamps` (a residual
    /// block's own activation, applied to shortcut + scaled product in the same pass).
    func run(_ x: ChannelMajor, into out: ChannelMajor, alpha: Float = 1, accumulate: Bool = false, clamps: Bool = false) {
        precondition(x.c == i, "conv expects \(i) channels, got \(x.c)")
        let (kh, kw) = conv.kernel
        let (sy, sx) = conv.stride
        let pad = conv.padding.resolve(h: x.h, w: x.w, kh: kh, kw: kw, sy: sy, sx: sx)
        let (ho, wo) = (out.h, out.w)
        let rows = x.n * ho, ldc = out.row
        guard rows > 0, wo > 0 else { return }
        let relu = clamps || conv.activation == .relu
        if let winograd, alpha == 1, !accumulate, !clamps, WinogradBatchKernel.pays(n: x.n, ho: ho, wo: wo) {
            let large = WinogradBatchKernel.prefersLargeTiles(n: x.n, ho: ho, wo: wo) ? largeTiles?.kernel() : nil
            (large ?? winograd).run(x.base, n: x.n, h: x.h, w: x.w, padTop: pad.top, padLeft: pad.left, out: out.base, ho: ho,
                         wo: wo, pool: x.pool)
            return
        }
        if let line, alpha == 1, !accumulate, !clamps, line.accepts(pad) {
            line.run(x.base, n: x.n, h: x.h, w: x.w, pad: line.vertical ? pad.top : pad.left,
                     length: line.vertical ? ho : wo, out: out.base, pool: x.pool)
            return
        }
        if let direct, alpha == 1, !accumulate, !clamps {
            runDirect(direct, x, into: out, pad: pad)
            return
        }
        let pointwise = kh == 1 && kw == 1 && sy == 1 && sx == 1 && pad == .zero
        if let packed, PackedGemmKernel.pays(columns: ldc, im2col: !pointwise, weights: o * k) {
            runPacked(packed, x, into: out, pad: pad, pointwise: pointwise, alpha: alpha, accumulate: accumulate,
                      relu: relu)
            return
        }
        let beta: Float = accumulate ? 1 : 0
        conv.weight.storage.withUnsafeBufferPointer { wp in
            let wb = wp.baseAddress!
            if pointwise {
                Gemm.sgemm(m: o, n: ldc, k: k, alpha: alpha, a: wb, lda: k, b: x.base, ldb: x.row, beta: beta,
                           c: out.base, ldc: ldc)
                epilogue(out.base, count: ldc, ldc: ldc, alpha: alpha, relu: relu)
                return
            }
            let bandRows = max(1, min(rows, Self.bandBudget / max(k * wo, 1)))
            let col = FloatStorage(count: k * bandRows * wo, pool: x.pool)
            var r0 = 0
            while r0 < rows {
                let r1 = min(rows, r0 + bandRows)
                let cols = (r1 - r0) * wo
                fill(col.base, from: x, pad: pad, ho: ho, wo: wo, rows: r0..<r1)
                Gemm.sgemm(m: o, n: cols, k: k, alpha: alpha, a: wb, lda: k, b: col.base, ldb: cols, beta: beta,
                           c: out.base + r0 * wo, ldc: ldc)
                epilogue(out.base + r0 * wo, count: cols, ldc: ldc, alpha: alpha, relu: relu)
                r0 = r1
            }
        }
    }

    /// ``run(_:into:alpha:accumulate:clamps:)`` by the packed weights: on the input itself for a
    /// `pointwise` (1×1 stride-1 unpadded) convolution, else on the im2col of the whole batch,
    /// written straight into the kernel's tiles.
    private func runPacked(_ packed: PackedGemmKernel, _ x: ChannelMajor, into out: ChannelMajor, pad: Padding,
                           pointwise: Bool, alpha: Float, accumulate: Bool, relu: Bool) {
        let columns = out.row
        if pointwise {
            packed.run(b: x.base, ldb: x.row, columns: columns, c: out.base, ldc: columns, alpha: alpha,
                       accumulate: accumulate, relu: relu, pool: x.pool)
            return
        }
        let (kh, kw) = conv.kernel
        let (sy, sx) = conv.stride
        let (ho, wo, xBits) = (out.h, out.w, UInt(bitPattern: x.base))
        packed.run(columns: columns, c: out.base, ldc: columns, alpha: alpha, accumulate: accumulate, relu: relu,
                   pool: x.pool, im2col: true) { t0, t1, tiles in
            visage_packed_gemm_pack_im2col(UnsafePointer<Float>(bitPattern: xBits)!, Int32(x.n), Int32(x.c),
                                           Int32(x.h), Int32(x.w), Int32(kh), Int32(kw), Int32(sy), Int32(sx),
                                           Int32(pad.top), Int32(pad.left), Int32(ho), Int32(wo), Int32(t0),
                                           Int32(t1), tiles)
        }
    }

    /// ``run(_:into:alpha:accumulate:)`` by the direct kernel: the batch is copied once into
    /// zero-padded planes split by column phase (plane (s, c, p) holds column j · sx + p of the
    /// padded rows), then the threads take bands of output rows of each sample.
    private func runDirect(_ direct: DirectKernel, _ x: ChannelMajor, into out: ChannelMajor, pad: Padding) {
        let (kh, kw) = conv.kernel
        let (sy, sx) = conv.stride
        let (n, c, h, w, ho, wo) = (x.n, x.c, x.h, x.w, out.h, out.w)
        let rowsIn = (ho - 1) * sy + kh
        // The kernel reads every row up to column wo + (kw − 1) / sx; the pitch rounds the row up
        // to whole 24-column blocks all the same.
        let pitch = (wo + 23) / 24 * 24 + (kw - 1) / sx
        let planeStride = rowsIn * pitch, planes = n * c * sx
        let buffer = FloatStorage(count: planes * planeStride, pool: x.pool)
        let (bBits, xBits) = (UInt(bitPattern: buffer.base), UInt(bitPattern: x.base))
        Backend.parallelFor(planes, elements: planes * planeStride) { plane in
            let s = plane / (c * sx), ch = (plane / sx) % c
            DirectKernel.copyPhase(UnsafePointer<Float>(bitPattern: xBits)! + (ch * n + s) * h * w, h: h, w: w, pad: pad,
                                   sx: sx, phase: plane % sx, rows: rowsIn, pitch: pitch,
                                   into: UnsafeMutablePointer<Float>(bitPattern: bBits)! + plane * planeStride)
        }
        let bands = max(1, min(ho, 2 * Backend.threads))
        let (outBits, channelStride) = (UInt(bitPattern: out.base), out.row)
        Backend.parallelFor(n * bands) { job in
            let s = job / bands, band = job % bands
            direct.run(UnsafePointer<Float>(bitPattern: bBits)! + s * c * sx * planeStride, planeStride: planeStride,
                       pitch: pitch, strides: (sy, sx), out: UnsafeMutablePointer<Float>(bitPattern: outBits)! + s * ho * wo,
                       outChannelStride: channelStride, outPitch: wo, width: wo,
                       rows: (band * ho / bands)..<((band + 1) * ho / bands))
        }
    }

    /// im2col of the output rows `rows` into `col` [K, rows.count·Wo]; taps on padding are 0.
    private func fill(_ col: UnsafeMutablePointer<Float>, from x: ChannelMajor, pad: Padding, ho: Int, wo: Int,
                      rows: Range<Int>) {
        let (kh, kw) = conv.kernel
        let (sy, sx) = conv.stride
        let (n, h, w) = (x.n, x.h, x.w)
        let cols = rows.count * wo
        let (dBits, sBits) = (UInt(bitPattern: col), UInt(bitPattern: x.base))
        Backend.parallelFor(k, elements: k * cols) { r in
            let ch = r / (kh * kw), ky = (r / kw) % kh, kx = r % kw
            let dst = UnsafeMutablePointer<Float>(bitPattern: dBits)! + r * cols
            let src = UnsafePointer<Float>(bitPattern: sBits)! + ch * n * h * w
            // Output columns whose input column lies inside the image.
            let oxLo = max(0, -floorDiv(kx - pad.left, sx))
            let oxHi = min(wo, floorDiv(w - 1 + pad.left - kx, sx) + 1)
            var d = dst
            for gr in rows {
                let s = gr / ho, oy = gr - s * ho
                let iy = oy * sy - pad.top + ky
                if iy < 0 || iy >= h || oxHi <= oxLo {
                    d.update(repeating: 0, count: wo)
                } else {
                    if oxLo > 0 { d.update(repeating: 0, count: oxLo) }
                    if oxHi < wo { (d + oxHi).update(repeating: 0, count: wo - oxHi) }
                    let line = src + (s * h + iy) * w - pad.left + kx
                    if sx == 1 {
                        (d + oxLo).update(from: line + oxLo, count: oxHi - oxLo)
                    } else {
                        for ox in oxLo..<oxHi { d[ox] = line[ox * sx] }
                    }
                }
                d += wo
            }
        }
    }

    /// Adds `alpha · bias[o]` to `count` elements of each output row, then clamps at zero when `relu`.
    private func epilogue(_ base: UnsafeMutablePointer<Float>, count: Int, ldc: Int, alpha: Float, relu: Bool) {
        guard conv.bias != nil || relu else { return }
        let bits = UInt(bitPattern: base)
        let bias = conv.bias?.storage
        Backend.parallelFor(o, elements: o * count) { ch in
            let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + ch * ldc
            let b = alpha * (bias?[ch] ?? 0)
            if relu {
                for j in 0..<count { p[j] = max(p[j] + b, 0) }
            } else {
                for j in 0..<count { p[j] += b }
            }
        }
    }
}
