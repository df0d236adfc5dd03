import Foundation
import VisageNN

// P-Net streamed in bands as MTCNNPNetStreamer, with every convolution run by the direct
// AVX2/FMA kernel straight on the band buffers (no im2col, no sgemm, PReLU fused):
// conv1 reads the input planes in place, conv2 the pooled rows, conv3 the conv2 rows, and the
// two 1 × 1 heads the conv3 rows. Same band geometry and row reuse as the sgemm streamer.

/// P-Net's convolutions packed for the direct kernel, and the band-streaming forward pass.
struct MTCNNPNetDirect: Sendable {
    let conv1: DirectKernel, conv2: DirectKernel, conv3: DirectKernel
    /// conv4_1 (two logits) and conv4_2 (four offsets), biases included.
    let logits: DirectKernel, offsets: DirectKernel

    /// Packs the weights; `nil` when the CPU lacks AVX2/FMA.
    init?(_ s: MTCNNPNetStreamer) {
        guard DirectKernel.isAvailable,
              let c1 = DirectKernel(weight: s.weight1, outChannels: 10, inChannels: 3, kh: 3, kw: 3, bias: s.b1, prelu: s.a1),
              let c2 = DirectKernel(weight: s.weight2, outChannels: 16, inChannels: 10, kh: 3, kw: 3, bias: s.b2, prelu: s.a2),
              let c3 = DirectKernel(weight: s.weight3, outChannels: 32, inChannels: 16, kh: 3, kw: 3, bias: s.b3, prelu: s.a3),
              let l = DirectKernel(weight: Array(s.heads[0..<64]), outChannels: 2, inChannels: 32, kh: 1, kw: 1,
                                   bias: Array(s.headBias[0..<2])),
              let o = DirectKernel(weight: Array(s.heads[64..<192]), outChannels: 4, inChannels: 32, kh: 1, kw: 1,
                                   bias: Array(s.headBias[2..<6]))
        else { return nil }
        (conv1, conv2, conv3, logits, offsets) = (c1, c2, c3, l, o)
    }

    /// Runs P-Net on `3 × h × w` planes (h, w ≥ 12), as ``MTCNNPNetStreamer/run``; `parallel`
    /// splits each convolution's rows across the back end's threads.
    func run(_ input: UnsafePointer<Float>, height h: Int, width w: Int,
             probability prob: UnsafeMutablePointer<Float>, offsets reg: UnsafeMutablePointer<Float>,
             scratch: MTCNNPNetScratch, parallel: Bool) {
        let (h1, w1) = (h - 2, w - 2)
        let (h2, wp) = ((h1 + 1) / 2, (w1 + 1) / 2)
        let (h4, w3, w4) = (h2 - 4, wp - 2, wp - 4)
        guard h4 > 0, w4 > 0 else { return }
        let band = min(MTCNNPNetStreamer.bandRows(outputWidth: w4), h4)
        let pooledRows = band + 4, conv2Rows = band + 2
        let sizes = [10 * pooledRows * wp, 16 * conv2Rows * w3, 10 * 2 * pooledRows * w1, 32 * band * w4, 2 * band * w4]
        let block = scratch.reserve(sizes.reduce(0, +))
        let (pp, c2) = (block, block + sizes[0])
        let c1 = c2 + sizes[1], c3 = c1 + sizes[2], lg = c3 + sizes[3]
        var pooledDone = 0, conv2Done = 0
        var k0 = 0
        while k0 < h4 {
            let k1 = min(k0 + band, h4)
            // Pooled rows [pooledDone, k1 + 4), stored at row − k0.
            let pEnd = k1 + 4
            if pooledDone < pEnd {
                let r0 = 2 * pooledDone, r1 = min(2 * pEnd, h1)  // conv1 rows
                let n = (r1 - r0) * w1
                conv1.runParallel(parallel: parallel, input + r0 * w, planeStride: h * w, pitch: w, out: c1, outChannelStride: n,
                                  outPitch: w1, width: w1, rows: r1 - r0)
                StreamOps.maxPool(c1, planeStride: n, planes: 10, height: r1 - r0, width: w1, kernel: 2,
                                  stride: 2, into: pp + (pooledDone - k0) * wp, dstPlaneStride: pooledRows * wp,
                                  parallel: parallel)
                pooledDone = pEnd
            }
            // conv2 rows [conv2Done, k1 + 2), stored at row − k0.
            let cEnd = k1 + 2
            if conv2Done < cEnd {
                conv2.runParallel(parallel: parallel, pp + (conv2Done - k0) * wp, planeStride: pooledRows * wp, pitch: wp,
                                  out: c2 + (conv2Done - k0) * w3, outChannelStride: conv2Rows * w3, outPitch: w3,
                                  width: w3, rows: cEnd - conv2Done)
                conv2Done = cEnd
            }
            // conv3 and the heads for rows [k0, k1).
            let rows = k1 - k0, n = rows * w4
            conv3.runParallel(parallel: parallel, c2, planeStride: conv2Rows * w3, pitch: w3, out: c3, outChannelStride: n, outPitch: w4,
                              width: w4, rows: rows)
            logits.runParallel(parallel: parallel, c3, planeStride: n, pitch: w4, out: lg, outChannelStride: n, outPitch: w4,
                               width: w4, rows: rows)
            offsets.runParallel(parallel: parallel, c3, planeStride: n, pitch: w4, out: reg + k0 * w4, outChannelStride: h4 * w4,
                                outPitch: w4, width: w4, rows: rows)
            for i in 0..<n {
                let a = lg[i], b = lg[n + i]
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
