import VisageNN

// Layout: CNHW in and out (see PlaneBuffer); the work is VisageNN's WinogradBatchKernel.

/// A stride-1 3 × 3 convolution of a whole batch by Winograd's F(2×2, 3×3) on AVX2/FMA, for the
/// wide layers of dlib's ResNet (32–256 channels): 4 instead of 9 multiplies per output and no
/// im2col, where ``BandedConvolution`` runs im2col and sgemm.
struct BatchWinogradConvolution: Sendable {
    /// The packed filters, bias and ReLU.
    private let kernel: WinogradBatchKernel
    /// Zero padding.
    private let padding: PaddingMode

    /// Wraps a convolution ``WinogradBatchKernel`` takes; `nil` otherwise or without AVX2/FMA.
    init?(_ conv: Conv2D) {
        guard let kernel = WinogradBatchKernel(conv) else { return nil }
        self.kernel = kernel
        padding = conv.padding
    }

    /// The output size for an input of `h` × `w`, and the padding before it.
    private func geometry(h: Int, w: Int) -> (ho: Int, wo: Int, top: Int, left: Int) {
        let pad = padding.resolve(h: h, w: w, kh: 3, kw: 3, sy: 1, sx: 1)
        return (max(h + pad.top + pad.bottom - 2, 0), max(w + pad.left + pad.right - 2, 0), pad.top, pad.left)
    }

    /// The number of 2 × 2 output tiles for an input of `n` samples of `h` × `w`.
    func tileCount(n: Int, h: Int, w: Int) -> Int {
        let g = geometry(h: h, w: w)
        return WinogradBatchKernel.tileCount(n: n, ho: g.ho, wo: g.wo)
    }

    /// Runs the convolution on a CNHW buffer, returning a new one.
    func run(_ x: PlaneBuffer) -> PlaneBuffer {
        precondition(x.c == kernel.inChannels, "conv expects \(kernel.inChannels) channels, got \(x.c)")
        let g = geometry(h: x.h, w: x.w)
        let out = x.sibling(c: kernel.outChannels, n: x.n, h: g.ho, w: g.wo)
        kernel.run(x.data, n: x.n, h: x.h, w: x.w, padTop: g.top, padLeft: g.left, out: out.data, ho: g.ho, wo: g.wo,
                   pool: x.pool)
        return out
    }
}
