import Foundation
import VisageNN

// P-Net on one image, streamed in bands of output rows so every buffer stays small (cache-sized)
// and nothing is computed twice. Layout: CHW planes, row-major. For an H × W input:
//   conv1 3×3 → H1 = H − 2, W1 = W − 2;  pool 2/2 ceil → H2 = ⌈H1 / 2⌉, W2 = ⌈W1 / 2⌉
//   conv2 3×3 → H2 − 2;  conv3 3×3 → H4 = H2 − 4, W4 = W2 − 4;  heads 1×1.
// Output row k needs conv2 rows k…k+2 and pooled rows k…k+4. A band [k0, k1) computes the pooled
// and conv2 rows it lacks, reuses the 4 pooled and 2 conv2 rows the previous band left (moved to
// the front of their buffers), and writes final rows k0..<k1. Each convolution is im2col + one
// sgemm whose output goes straight to its buffer; bias, PReLU and pooling are fused loops.

/// The weights of P-Net in matrix form, and the band-streaming forward pass.
struct MTCNNPNetStreamer: Sendable {
    let weight1: [Float], b1: [Float], a1: [Float]   // [10, 27], [10], PReLU slopes
    let weight2: [Float], b2: [Float], a2: [Float]   // [16, 90]
    let weight3: [Float], b3: [Float], a3: [Float]   // [32, 144]
    let heads: [Float], headBias: [Float]       // [6, 32]: two logits, then four offsets

    /// Output rows per band: about 8192 output pixels, so conv3's column buffer is ~4.7 MB.
    static func bandRows(outputWidth: Int) -> Int { max(1, 8192 / max(outputWidth, 1)) }

    /// Runs P-Net on `3 × h × w` planes (h, w ≥ 12).
    /// - Returns: the face probability plane and the four offset planes, each H4 × W4.
    func run(_ input: UnsafePointer<Float>, height h: Int, width w: Int,
             probability prob: UnsafeMutablePointer<Float>, offsets reg: UnsafeMutablePointer<Float>,
             scratch: MTCNNPNetScratch) {
        let (h1, w1) = (h - 2, w - 2)
        let (h2, wp) = ((h1 + 1) / 2, (w1 + 1) / 2)
        let (h4, w3, w4) = (h2 - 4, wp - 2, wp - 4)
        guard h4 > 0, w4 > 0 else { return }
        let band = min(Self.bandRows(outputWidth: w4), h4)
        let pooledRows = band + 4, conv2Rows = band + 2
        // One uninitialised block for the six buffers, reused across calls: every element is
        // written (by an sgemm, im2col or the pool) before it is read.
        let sizes = [10 * pooledRows * wp, 16 * conv2Rows * w3, 10 * 2 * pooledRows * w1, 32 * band * w4, 2 * band * w4,
                     max(27 * 2 * pooledRows * w1, 90 * conv2Rows * w3, 144 * band * w4)]
        let block = scratch.reserve(sizes.reduce(0, +))
        var offsets = [0]
        for size in sizes.dropLast() { offsets.append(offsets.last! + size) }
        do {
            let (pp, c2, c1, c3, lg, cp) = (block + offsets[0], block + offsets[1], block + offsets[2],
                                            block + offsets[3], block + offsets[4], block + offsets[5])
            var pooledDone = 0, conv2Done = 0
            var k0 = 0
            while k0 < h4 {
                let k1 = min(k0 + band, h4)
                // Pooled rows [pooledDone, k1 + 4), stored at row − k0.
                let pEnd = k1 + 4
                if pooledDone < pEnd {
                    let r0 = 2 * pooledDone, r1 = min(2 * pEnd, h1)  // conv1 rows
                    let n = (r1 - r0) * w1
                    StreamOps.im2col(cp, input + r0 * w, planeStride: h * w, rowStride: w, channels: 3,
                                     kernel: 3, rows: r1 - r0, outWidth: w1)
                    weight1.withUnsafeBufferPointer { wp1 in
                        Gemm.sgemm(m: 10, n: n, k: 27, a: wp1.baseAddress!, lda: 27, b: cp, ldb: n, c: c1, ldc: n)
                    }
                    StreamOps.biasPReLU(c1, channels: 10, count: n, planeStride: n, bias: b1, slope: a1)
                    StreamOps.maxPool(c1, planeStride: n, planes: 10, height: r1 - r0, width: w1, kernel: 2,
                                      stride: 2, into: pp + (pooledDone - k0) * wp, dstPlaneStride: pooledRows * wp)
                    pooledDone = pEnd
                }
                // conv2 rows [conv2Done, k1 + 2), stored at row − k0.
                let cEnd = k1 + 2
                if conv2Done < cEnd {
                    let rows = cEnd - conv2Done, n = rows * w3
                    StreamOps.im2col(cp, pp + (conv2Done - k0) * wp, planeStride: pooledRows * wp, rowStride: wp,
                                     channels: 10, kernel: 3, rows: rows, outWidth: w3)
                    let out = c2 + (conv2Done - k0) * w3
                    weight2.withUnsafeBufferPointer { wp2 in
                        Gemm.sgemm(m: 16, n: n, k: 90, a: wp2.baseAddress!, lda: 90, b: cp, ldb: n, c: out,
                                   ldc: conv2Rows * w3)
                    }
                    StreamOps.biasPReLU(out, channels: 16, count: n, planeStride: conv2Rows * w3, bias: b2, slope: a2)
                    conv2Done = cEnd
                }
                // conv3 and the heads for rows [k0, k1).
                let rows = k1 - k0, n = rows * w4
                StreamOps.im2col(cp, c2, planeStride: conv2Rows * w3, rowStride: w3, channels: 16, kernel: 3,
                                 rows: rows, outWidth: w4)
                weight3.withUnsafeBufferPointer { wp3 in
                    Gemm.sgemm(m: 32, n: n, k: 144, a: wp3.baseAddress!, lda: 144, b: cp, ldb: n, c: c3, ldc: n)
                }
                StreamOps.biasPReLU(c3, channels: 32, count: n, planeStride: n, bias: b3, slope: a3)
                heads.withUnsafeBufferPointer { hw in
                    Gemm.sgemm(m: 2, n: n, k: 32, a: hw.baseAddress!, lda: 32, b: c3, ldb: n, c: lg, ldc: n)
                    Gemm.sgemm(m: 4, n: n, k: 32, a: hw.baseAddress! + 64, lda: 32, b: c3, ldb: n,
                               c: reg + k0 * w4, ldc: h4 * w4)
                }
                for o in 0..<4 {
                    let plane = reg + o * h4 * w4 + k0 * w4
                    let bias = headBias[2 + o]
                    for i in 0..<n { plane[i] += bias }
                }
                let (ba, bb) = (headBias[0], headBias[1])
                for i in 0..<n {
                    let a = lg[i] + ba, b = lg[n + i] + bb
                    let m = max(a, b)
                    let ea = expf(a - m), eb = expf(b - m)
                    prob[k0 * w4 + i] = eb / (ea + eb)
                }
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
}

/// A growable, uninitialised Float buffer for ``MTCNNPNetStreamer/run`` (one per thread of work;
/// not shared between concurrent calls).
final class MTCNNPNetScratch {
    private var buffer: UnsafeMutablePointer<Float>
    private var capacity: Int

    /// An empty scratch buffer.
    init() {
        buffer = .allocate(capacity: 1)
        capacity = 1
    }

    deinit { buffer.deallocate() }

    /// At least `count` floats, uninitialised (the previous contents are not kept when it grows).
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            buffer.deallocate()
            buffer = .allocate(capacity: count)
            capacity = count
        }
        return buffer
    }
}
