import Foundation
import VisageNN

// P-Net streamed in bands (MTCNNPNetBands' schedule, as MTCNNPNetStreamer), with every
// convolution run straight on the band buffers (no im2col, no sgemm, PReLU fused): conv1 reads
// the input planes in place on the direct AVX2/FMA kernel, conv2 the pooled rows and conv3 the
// conv2 rows by Winograd F(2×2, 3×3) (they hold 83 % of P-Net's multiplies), and the two 1 × 1
// heads the conv3 rows on the direct kernel.

/// P-Net's convolutions packed for the direct and Winograd kernels, and the band-streaming
/// forward pass.
struct MTCNNPNetDirect: Sendable {
    let conv1: DirectKernel, conv2: WinogradKernel, conv3: WinogradKernel
    /// conv4_1 (two logits) and conv4_2 (four offsets), biases included.
    let logits: DirectKernel, offsets: DirectKernel

    /// Packs the weights; `nil` when the CPU lacks AVX2/FMA.
    init?(_ s: MTCNNPNetStreamer) {
        guard DirectKernel.isAvailable,
              let c1 = DirectKernel(weight: s.weight1, outChannels: 10, inChannels: 3, kh: 3, kw: 3, bias: s.b1, prelu: s.a1),
              let c2 = WinogradKernel(weight: s.weight2, outChannels: 16, inChannels: 10, bias: s.b2, prelu: s.a2),
              let c3 = WinogradKernel(weight: s.weight3, outChannels: 32, inChannels: 16, bias: s.b3, prelu: s.a3),
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
        guard let g = MTCNNPNetBands(height: h, width: w, bandPixels: MTCNNPNetBands.directBandPixels) else { return }
        let (w1, wp, w3, h4, w4) = (g.w1, g.wp, g.w3, g.h4, g.w4)
        let sizes = [10 * g.pooledRows * wp, 16 * g.conv2Rows * w3, 10 * 2 * g.pooledRows * w1, 32 * g.band * w4,
                     2 * g.band * w4]
        let block = scratch.reserve(sizes.reduce(0, +))
        let (pp, c2) = (block, block + sizes[0])
        let c1 = c2 + sizes[1], c3 = c1 + sizes[2], lg = c3 + sizes[3]
        g.stream(pooled: pp, conv2: c2, pool: { rows, into in
            let n = rows.count * w1
            conv1.runParallel(parallel: parallel, input + rows.lowerBound * w, planeStride: h * w, pitch: w, out: c1,
                              outChannelStride: n, outPitch: w1, width: w1, rows: rows.count)
            StreamOps.maxPool(c1, planeStride: n, planes: 10, height: rows.count, width: w1, kernel: 2,
                              stride: 2, into: into, dstPlaneStride: g.pooledRows * wp, parallel: parallel)
        }, convolve2: { from, count, into in
            conv2.runParallel(parallel: parallel, from, planeStride: g.pooledRows * wp, pitch: wp, out: into,
                              outChannelStride: g.conv2Rows * w3, outPitch: w3, width: w3, rows: count)
        }, finish: { rows in
            let k0 = rows.lowerBound, n = rows.count * w4
            conv3.runParallel(parallel: parallel, c2, planeStride: g.conv2Rows * w3, pitch: w3, out: c3,
                              outChannelStride: n, outPitch: w4, width: w4, rows: rows.count)
            logits.runParallel(parallel: parallel, c3, planeStride: n, pitch: w4, out: lg, outChannelStride: n,
                               outPitch: w4, width: w4, rows: rows.count)
            offsets.runParallel(parallel: parallel, c3, planeStride: n, pitch: w4, out: reg + k0 * w4,
                                outChannelStride: h4 * w4, outPitch: w4, width: w4, rows: rows.count)
            for i in 0..<n {
                let a = lg[i], b = lg[n + i]
                let m = max(a, b)
                let ea = expf(a - m), eb = expf(b - m)
                prob[k0 * w4 + i] = eb / (ea + eb)
            }
        })
    }
}
