import VisageNN

// Layout: CNHW in and out (see PlaneBuffer); the work is VisageNN's WinogradBatchKernel.

/// A stride-1 3 × 3 convolution of a whole batch by Winograd's F(2×2, 3×3) on AVX2/FMA, for the
/// wide layers of dlib's ResNet (32–256 channels): 4 instead of 9 multiplies per output and no
/// im2col. Outputs with fewer than ``minimumTiles`` tiles run im2col and sgemm
/// (``BandedConvolution``).
struct BatchWinogradConvolution: Sendable {
    /// The packed filters, bias and ReLU.
    private let kernel: WinogradBatchKernel
    /// The same convolution by im2col and sgemm.
    private let fallback: BandedConvolution
    /// Zero padding.
    private let padding: PaddingMode

    /// Output tiles below which the layer runs im2col and sgemm. Lower than the kernel's general
    /// ``WinogradBatchKernel/minimumTiles``: at batch 1 the ResNet's 9 × 9 (25 tiles) and 5 × 5
    /// (9 tiles) layers are faster on the kernel too (batch 1 median 7.27 → 6.76 ms per face over
    /// six interleaved `bench-dlib --only resnet` rounds, faster in five).
    static let minimumTiles = 8

    /// Wraps a convolution ``WinogradBatchKernel`` takes; `nil` otherwise or without AVX2/FMA.
    init?(_ conv: Conv2D) {
        guard let kernel = WinogradBatchKernel(conv) else { return nil }
        self.kernel = kernel
        fallback = BandedConvolution(conv)
        padding = conv.padding
    }

    /// Runs the convolution on a CNHW buffer, returning a new one.
    func run(_ x: PlaneBuffer) -> PlaneBuffer {
        precondition(x.c == kernel.inChannels, "conv expects \(kernel.inChannels) channels, got \(x.c)")
        let pad = padding.resolve(h: x.h, w: x.w, kh: 3, kw: 3, sy: 1, sx: 1)
        let ho = max(x.h + pad.top + pad.bottom - 2, 0), wo = max(x.w + pad.left + pad.right - 2, 0)
        guard WinogradBatchKernel.pays(n: x.n, ho: ho, wo: wo, minimumTiles: Self.minimumTiles) else { return fallback.run(x) }
        let out = x.sibling(c: kernel.outChannels, n: x.n, h: ho, w: wo)
        kernel.run(x.data, n: x.n, h: x.h, w: x.w, padTop: pad.top, padLeft: pad.left, out: out.data, ho: ho, wo: wo,
                   pool: x.pool)
        return out
    }
}
