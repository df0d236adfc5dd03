import VisageNN

// Layout: CNHW in and out (see PlaneBuffer). For each sample the input is copied once into a
// zero-padded, column-phase-split buffer (phase p of a stride-sx convolution holds the padded
// columns p, p + sx, …), so the C kernel reads every tap as a contiguous run of columns. Output
// rows are split across the back end's threads; each thread writes its rows with bias and
// activation applied, straight into the next layer's input.

/// A convolution run by the direct AVX2/FMA kernel (no im2col, no sgemm): faster than
/// ``BandedConvolution`` when the channel counts are small (the face detectors' 10–45). Stride-1
/// 3 × 3 and 5 × 5 convolutions with at least ``winogradMinimumChannels`` inputs run Winograd's
/// F(2×2, r×r) instead (``WinogradKernel``; MMOD's 5 × 5 layers 2.3–2.4× faster on one core).
struct DirectConvolution: Sendable {
    /// The packed weights and epilogue.
    let kernel: DirectKernel
    /// The same convolution by Winograd, when it applies.
    let winograd: WinogradKernel?
    /// Fewer input channels leave Winograd's transforms too little to save (MMOD's first layer
    /// has 3).
    static let winogradMinimumChannels = 8
    /// Strides.
    let sy: Int, sx: Int
    /// Zero padding.
    let padding: PaddingMode

    /// Whether this CPU runs the kernel (AVX2 and FMA).
    static var isAvailable: Bool { DirectKernel.isAvailable }

    /// Takes a VisageNN convolution (its fused ReLU included); `nil` for kernels wider than 16.
    init?(_ conv: Conv2D) {
        winograd = conv.stride == (1, 1) && conv.kernel.h == conv.kernel.w
            && conv.inChannels >= Self.winogradMinimumChannels
            ? WinogradKernel(weight: conv.weight.storage, outChannels: conv.outChannels, inChannels: conv.inChannels,
                             side: conv.kernel.h, bias: conv.bias?.storage, relu: conv.activation == .relu)
            : nil
        // The Winograd kernel packs the direct one too (for odd last rows): take it from there.
        guard let k = winograd?.direct
            ?? DirectKernel(weight: conv.weight.storage, outChannels: conv.outChannels, inChannels: conv.inChannels,
                            kh: conv.kernel.h, kw: conv.kernel.w, bias: conv.bias?.storage,
                            relu: conv.activation == .relu) else { return nil }
        kernel = k
        (sy, sx) = conv.stride
        padding = conv.padding
    }

    /// Runs the convolution on a CNHW buffer, returning a new one.
    func run(_ x: PlaneBuffer) -> PlaneBuffer {
        let (kh, kw) = (kernel.kh, kernel.kw)
        let pad = padding.resolve(h: x.h, w: x.w, kh: kh, kw: kw, sy: sy, sx: sx)
        let ho = max((x.h + pad.top + pad.bottom - kh) / sy + 1, 0)
        let wo = max((x.w + pad.left + pad.right - kw) / sx + 1, 0)
        let out = x.sibling(c: kernel.outChannels, n: x.n, h: ho, w: wo)
        guard ho > 0, wo > 0, x.n > 0 else { return out }
        let rows = (ho - 1) * sy + kh
        let pitch = wo + (kw - 1) / sx
        let planeStride = rows * pitch
        let prepared = x.pool.allocate(kernel.inChannels * sx * planeStride)
        defer { x.pool.release(prepared) }
        for s in 0..<x.n {
            prepare(x, sample: s, pad: pad, rows: rows, pitch: pitch, into: prepared)
            if let winograd {
                winograd.runParallel(prepared, planeStride: planeStride, pitch: pitch, out: out.data + s * ho * wo,
                                     outChannelStride: x.n * ho * wo, outPitch: wo, width: wo, rows: ho)
            } else {
                kernel.runParallel(prepared, planeStride: planeStride, pitch: pitch, strides: (sy, sx),
                                   out: out.data + s * ho * wo, outChannelStride: x.n * ho * wo, outPitch: wo,
                                   width: wo, rows: ho)
            }
        }
        return out
    }

    /// Copies sample `s` of `x` into `dst` as zero-padded, phase-split planes
    /// (channel c, phase p at `(c · sx + p) · rows · pitch`).
    private func prepare(_ x: PlaneBuffer, sample s: Int, pad: Padding, rows: Int, pitch: Int,
                         into dst: UnsafeMutablePointer<Float>) {
        let (h, w, n, sx) = (x.h, x.w, x.n, self.sx)
        let (srcBits, dstBits) = (UInt(bitPattern: x.data), UInt(bitPattern: dst))
        Backend.parallelFor(kernel.inChannels, elements: kernel.inChannels * rows * pitch * sx) { c in
            let plane = UnsafePointer<Float>(bitPattern: srcBits)! + (c * n + s) * h * w
            for p in 0..<sx {
                DirectKernel.copyPhase(plane, h: h, w: w, pad: pad, sx: sx, phase: p, rows: rows, pitch: pitch,
                                       into: UnsafeMutablePointer<Float>(bitPattern: dstBits)! + (c * sx + p) * rows * pitch)
            }
        }
    }
}
