import Foundation

// Packed on first use, under a lock: a plan does not know its input size when it is built, and
// most of its 3 × 3 layers never see planes large enough for 4 × 4 tiles (FaceNet-160 at batch 1:
// only its 77 × 77 and 36 × 36 stem layers), so packing every layer's F(4×4, 3×3) filters up front
// would hold 2.25 times those layers' F(2×2, 3×3) filters for nothing.

/// A plan convolution's F(4×4, 3×3) form (``WinogradBatchKernel`` with `outputTile` 4), packed the
/// first time a pass has planes for which it pays (``WinogradBatchKernel/prefersLargeTiles(n:ho:wo:)``)
/// and kept from then on.
final class LargeTileWinograd: @unchecked Sendable {
    private let conv: Conv2D
    private let lock = NSLock()
    private var packed: WinogradBatchKernel?

    /// Keeps `conv` (a convolution ``WinogradBatchKernel`` takes) for the first ``kernel()`` call.
    init(_ conv: Conv2D) {
        self.conv = conv
    }

    /// The F(4×4, 3×3) kernel, packed on the first call; `nil` only if the convolution does not
    /// qualify after all.
    func kernel() -> WinogradBatchKernel? {
        lock.lock()
        defer { lock.unlock() }
        if packed == nil { packed = WinogradBatchKernel(conv, allowsAVX512: false, outputTile: 4) }
        return packed
    }
}
