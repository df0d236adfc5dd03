// P-Net on one image, streamed in bands of output rows so every buffer stays small (cache-sized)
// and nothing is computed twice. Layout: CHW planes, row-major. For an H × W input:
//   conv1 3×3 → H1 = H − 2, W1 = W − 2;  pool 2/2 ceil → H2 = ⌈H1 / 2⌉, W2 = ⌈W1 / 2⌉
//   conv2 3×3 → H2 − 2;  conv3 3×3 → H4 = H2 − 4, W4 = W2 − 4;  heads 1×1.
// Output row k needs conv2 rows k…k+2 and pooled rows k…k+4. A band [k0, k1) computes the pooled
// and conv2 rows it lacks, reuses the 4 pooled and 2 conv2 rows the previous band left (moved to
// the front of their buffers), and writes final rows k0..<k1. The two back ends
// (MTCNNPNetStreamer: im2col + sgemm; MTCNNPNetDirect: the direct AVX2 kernel) share this schedule
// and differ only in how each stage is computed.

/// The band geometry of P-Net on an `h × w` input, and the schedule that walks it.
struct MTCNNPNetBands {
    /// conv1's output size.
    let h1: Int, w1: Int
    /// The pooled width (conv2's input width).
    let wp: Int
    /// conv2's output width.
    let w3: Int
    /// The output (conv3 and heads) size.
    let h4: Int, w4: Int
    /// Output rows per band.
    let band: Int
    /// Rows held by the pooled buffer (band + 4) and by the conv2 buffer (band + 2).
    let pooledRows: Int, conv2Rows: Int

    /// Output pixels per band for the im2col back end: conv3's column buffer is then ~4.7 MB.
    static let columnBandPixels = 8192
    /// Output pixels per band for the direct kernel: a band's conv2 rows (conv3's input, ~170 KB
    /// at 295 columns) and conv3 rows (~260 KB) stay in the core's L2 cache. Measured on P-Net
    /// alone at 1 MP (median of six alternating runs): 8192 → 34.0 ms, 2048 → 27.6 ms.
    static let directBandPixels = 2048

    /// Output rows per band of about `pixels` output pixels.
    static func bandRows(outputWidth: Int, pixels: Int) -> Int { max(1, pixels / max(outputWidth, 1)) }

    /// The geometry of an `h × w` input; `nil` when the output would be empty.
    /// - Parameter bandPixels: output pixels per band (rounded down to whole rows, at least one).
    init?(height h: Int, width w: Int, bandPixels: Int = columnBandPixels) {
        (h1, w1) = (h - 2, w - 2)
        let h2 = (h1 + 1) / 2
        wp = (w1 + 1) / 2
        (h4, w3, w4) = (h2 - 4, wp - 2, wp - 4)
        guard h4 > 0, w4 > 0 else { return nil }
        band = min(Self.bandRows(outputWidth: w4, pixels: bandPixels), h4)
        (pooledRows, conv2Rows) = (band + 4, band + 2)
    }

    /// Walks the bands top to bottom.
    /// - Parameters:
    ///   - pooled: the pooled buffer (10 planes of `pooledRows × wp`); pooled row `r` of the band
    ///     starting at `k0` lives at row `r − k0`.
    ///   - conv2: the conv2 buffer (16 planes of `conv2Rows × w3`), rows stored the same way.
    ///   - pool: computes conv1 rows `rows` (+ PReLU) and their 2 × 2 pooling into the pooled rows
    ///     that start at the pointer.
    ///   - convolve2: computes `count` conv2 rows (+ PReLU) from the pooled rows at the first
    ///     pointer into the conv2 rows at the second.
    ///   - finish: computes conv3 and the heads for the output rows, from the conv2 buffer's rows
    ///     starting at row 0.
    func stream(pooled pp: UnsafeMutablePointer<Float>, conv2 c2: UnsafeMutablePointer<Float>,
                pool: (_ rows: Range<Int>, _ into: UnsafeMutablePointer<Float>) -> Void,
                convolve2: (_ from: UnsafeMutablePointer<Float>, _ count: Int, _ into: UnsafeMutablePointer<Float>) -> Void,
                finish: (_ rows: Range<Int>) -> Void) {
        var pooledDone = 0, conv2Done = 0
        var k0 = 0
        while k0 < h4 {
            let k1 = min(k0 + band, h4)
            // Pooled rows [pooledDone, k1 + 4).
            let pEnd = k1 + 4
            if pooledDone < pEnd {
                pool(2 * pooledDone ..< min(2 * pEnd, h1), pp + (pooledDone - k0) * wp)
                pooledDone = pEnd
            }
            // conv2 rows [conv2Done, k1 + 2).
            let cEnd = k1 + 2
            if conv2Done < cEnd {
                convolve2(pp + (conv2Done - k0) * wp, cEnd - conv2Done, c2 + (conv2Done - k0) * w3)
                conv2Done = cEnd
            }
            finish(k0 ..< k1)
            // Keep the rows the next band shares.
            if k1 < h4 {
                StreamOps.shiftRows(pp, channels: 10, planeStride: pooledRows * wp, rowLength: wp,
                                    from: k1 - k0, count: pooledDone - k1)
                StreamOps.shiftRows(c2, channels: 16, planeStride: conv2Rows * w3, rowLength: w3,
                                    from: k1 - k0, count: conv2Done - k1)
            }
            k0 = k1
        }
    }
}
