import Foundation
import VisageNN

// P-Net's band-streaming forward pass with im2col + one sgemm per convolution, whose output goes
// straight to its buffer; bias, PReLU and pooling are fused loops. The band schedule is
// MTCNNPNetBands'.

/// The weights of P-Net in matrix form, and the band-streaming forward pass.
struct MTCNNPNetStreamer: Sendable {
    let weight1: [Float], b1: [Float], a1: [Float]   // [10, 27], [10], PReLU slopes
    let weight2: [Float], b2: [Float], a2: [Float]   // [16, 90]
    let weight3: [Float], b3: [Float], a3: [Float]   // [32, 144]
    let heads: [Float], headBias: [Float]       // [6, 32]: two logits, then four offsets

    /// Runs P-Net on `3 × h × w` planes (h, w ≥ 12).
    /// - Returns: the face probability plane and the four offset planes, each H4 × W4.
    func run(_ input: UnsafePointer<Float>, height h: Int, width w: Int,
             probability prob: UnsafeMutablePointer<Float>, offsets reg: UnsafeMutablePointer<Float>,
             scratch: MTCNNPNetScratch) {
        guard let g = MTCNNPNetBands(height: h, width: w) else { return }
        let (w1, wp, w3, h4, w4) = (g.w1, g.wp, g.w3, g.h4, g.w4)
        // One uninitialised block for the six buffers, reused across calls: every element is
        // written (by an sgemm, im2col or the pool) before it is read.
        let sizes = [10 * g.pooledRows * wp, 16 * g.conv2Rows * w3, 10 * 2 * g.pooledRows * w1, 32 * g.band * w4,
                     2 * g.band * w4, max(27 * 2 * g.pooledRows * w1, 90 * g.conv2Rows * w3, 144 * g.band * w4)]
        let block = scratch.reserve(sizes.reduce(0, +))
        var offsets = [0]
        for size in sizes.dropLast() { offsets.append(offsets.last! + size) }
        let (pp, c2, c1, c3, lg, cp) = (block + offsets[0], block + offsets[1], block + offsets[2],
                                        block + offsets[3], block + offsets[4], block + offsets[5])
        g.stream(pooled: pp, conv2: c2, pool: { rows, into in
            let n = rows.count * w1
            StreamOps.im2col(cp, input + rows.lowerBound * w, planeStride: h * w, rowStride: w, channels: 3,
                             kernel: 3, rows: rows.count, outWidth: w1)
            weight1.withUnsafeBufferPointer { wp1 in
                Gemm.sgemm(m: 10, n: n, k: 27, a: wp1.baseAddress!, lda: 27, b: cp, ldb: n, c: c1, ldc: n)
            }
            StreamOps.biasPReLU(c1, channels: 10, count: n, planeStride: n, bias: b1, slope: a1)
            StreamOps.maxPool(c1, planeStride: n, planes: 10, height: rows.count, width: w1, kernel: 2,
                              stride: 2, into: into, dstPlaneStride: g.pooledRows * wp)
        }, convolve2: { from, count, into in
            let n = count * w3
            StreamOps.im2col(cp, from, planeStride: g.pooledRows * wp, rowStride: wp, channels: 10, kernel: 3,
                             rows: count, outWidth: w3)
            weight2.withUnsafeBufferPointer { wp2 in
                Gemm.sgemm(m: 16, n: n, k: 90, a: wp2.baseAddress!, lda: 90, b: cp, ldb: n, c: into,
                           ldc: g.conv2Rows * w3)
            }
            StreamOps.biasPReLU(into, channels: 16, count: n, planeStride: g.conv2Rows * w3, bias: b2, slope: a2)
        }, finish: { rows in
            let k0 = rows.lowerBound, n = rows.count * w4
            StreamOps.im2col(cp, c2, planeStride: g.conv2Rows * w3, rowStride: w3, channels: 16, kernel: 3,
                             rows: rows.count, outWidth: w4)
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
        })
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
