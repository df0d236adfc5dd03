import CVisageKernels

// Layout: NCHW in and out, as everywhere in training; the batched Winograd kernel runs on CNHW
// copies taken from the layer's pool (one copy in, one out: small next to the convolution).
//   forward:        y = conv3×3(x, W) with the layer's padding (top, left)
//   input gradient: dx = conv3×3(dy, W̃) with padding (2 − top, 2 − left), W̃[i, o] = W[o, i] turned 180°
//   filter gradient: 16 products of transformed output-gradient and input tiles
//                    (CVisageKernels/winograd_gradient.c), NCHW input, channel-major ∂loss/∂y

/// Winograd's F(2×2, 3×3) inside training. A stride-1 3 × 3 convolution's forward pass runs on
/// the batched kernel (``WinogradBatchKernel``), and so does its input gradient, which is the
/// same kind of convolution of the output gradient with the filters turned by 180° and input and
/// output channels swapped. The filters change every step, so they are transformed on every call
/// (a few hundred thousand floats against millions of multiply-adds at training batch sizes).
/// The filter gradient is the transposed algorithm (``filterGradient(_:_:dy:pad:ho:wo:into:pool:)``).
enum TrainingWinograd {
    /// Floats of transformed tiles per chunk of the filter gradient (8 MB: they stay in the
    /// shared cache between the transforms and the products).
    static let filterGradientBudget = 1 << 21

    /// Adds ∂loss/∂W of `conv` (a stride-1 3 × 3 convolution) to `gradient` ([O, I, 3, 3]) and
    /// returns `true`, or returns `false` without touching it when the layer (fewer than
    /// ``WinogradBatchKernel/minimumChannels`` inputs or outputs) or the batch
    /// (``WinogradBatchKernel/pays(n:ho:wo:minimumTiles:)``) does not qualify.
    ///
    /// Tiles are taken a chunk at a time: their input transforms V[ξ][c][t] and output-gradient
    /// transforms M[ξ][o][t] (the back end's threads split the channels), then for each of the 16
    /// positions ξ the product dU[ξ] += M[ξ] V[ξ]ᵀ ([O × tiles] by [tiles × I], the threads
    /// split the positions); at the end ∂loss/∂W = Gᵀ dU G.
    /// - Parameters:
    ///   - x: the layer's NCHW input.
    ///   - dy: ∂loss/∂y, channel-major ([O, N · ho · wo]).
    ///   - pad: the layer's resolved padding (top and left are used).
    static func filterGradient(_ conv: Conv2D, _ x: Tensor, dy: ChannelMajor, pad: Padding, ho: Int, wo: Int,
                               into gradient: UnsafeMutablePointer<Float>, pool: BufferPool) -> Bool {
        let (ci, co, n) = (conv.inChannels, conv.outChannels, x.n)
        guard conv.kernel == (3, 3), conv.stride == (1, 1), ci >= WinogradBatchKernel.minimumChannels,
              co >= WinogradBatchKernel.minimumChannels, WinogradBatchKernel.pays(n: n, ho: ho, wo: wo) else { return false }
        let (tilesY, tilesX) = ((ho + 1) / 2, (wo + 1) / 2)
        let tiles = n * tilesY * tilesX
        let chunk = min(tiles, max(64, filterGradientBudget / (16 * (ci + co)) / 8 * 8))
        // One block for both transforms: every layer asks for the same size (the budget) once
        // it has that many tiles, so the pool hands the same memory back layer after layer.
        let v = pool.allocate(16 * (ci + co) * chunk), m = v + 16 * ci * chunk, du = pool.allocate(16 * co * ci)
        defer {
            pool.release(v)
            pool.release(du)
        }
        du.update(repeating: 0, count: 16 * co * ci)
        let (h, w, ld) = (x.h, x.w, n * ho * wo)
        let (vBits, mBits, duBits, dyBits) = (UInt(bitPattern: v), UInt(bitPattern: m), UInt(bitPattern: du),
                                              UInt(bitPattern: dy.base))
        x.storage.withUnsafeBufferPointer { xp in
            let xBits = UInt(bitPattern: xp.baseAddress!)
            var t0 = 0
            while t0 < tiles {
                let count = min(chunk, tiles - t0), first = t0
                // One job per channel: the input's, then the output gradient's.
                Backend.parallelFor(ci + co, elements: (ci + co) * count * 16) { j in
                    if j < ci {
                        visage_winograd_input_tiles(UnsafePointer(bitPattern: xBits)!, Int32(ci), Int32(h), Int32(w),
                                                    Int32(pad.top), Int32(pad.left), Int32(tilesY), Int32(tilesX),
                                                    first, count, Int32(j), Int32(j + 1),
                                                    UnsafeMutablePointer(bitPattern: vBits)!)
                    } else {
                        visage_winograd_gradient_tiles(UnsafePointer(bitPattern: dyBits)!, ld, Int32(co), Int32(ho),
                                                       Int32(wo), Int32(tilesY), Int32(tilesX), first, count,
                                                       Int32(j - ci), Int32(j - ci + 1),
                                                       UnsafeMutablePointer(bitPattern: mBits)!)
                    }
                }
                Backend.parallelFor(16) { xi in
                    let v = UnsafePointer<Float>(bitPattern: vBits)!, m = UnsafePointer<Float>(bitPattern: mBits)!
                    Gemm.sgemm(transB: true, m: co, n: ci, k: count, a: m + xi * count, lda: 16 * count,
                               b: v + xi * count, ldb: 16 * count, beta: 1,
                               c: UnsafeMutablePointer<Float>(bitPattern: duBits)! + xi * co * ci, ldc: ci)
                }
                t0 += count
            }
        }
        let gBits = UInt(bitPattern: gradient)
        Backend.parallelFor(co, elements: co * ci * 16) { o in
            visage_winograd_filter_gradient(UnsafePointer(bitPattern: duBits)!, Int32(co), Int32(ci), Int32(o),
                                            Int32(o + 1), UnsafeMutablePointer(bitPattern: gBits)!)
        }
        return true
    }

    /// The forward pass of `conv` on `x` through the kernel, or `nil` when the layer (not a
    /// stride-1 3 × 3 with ``WinogradBatchKernel/minimumChannels`` inputs and a multiple of four
    /// outputs) or the batch (``WinogradBatchKernel/pays(n:ho:wo:)``) does not qualify.
    static func forward(_ conv: Conv2D, _ x: Tensor, pad: Padding, ho: Int, wo: Int, pool: BufferPool) -> Tensor? {
        guard WinogradBatchKernel.pays(n: x.n, ho: ho, wo: wo), let kernel = WinogradBatchKernel(conv) else { return nil }
        return run(kernel, x, padTop: pad.top, padLeft: pad.left, ho: ho, wo: wo, pool: pool)
    }

    /// ∂loss/∂x of `conv` for an input of `inputShape` from ∂loss/∂y through the kernel, or `nil`
    /// when the turned convolution (`conv`'s outputs as its inputs) or the batch does not qualify.
    /// - Parameter dy: ∂loss/∂y, channel-major (the backward pass has it so for the filter gradient).
    static func inputGradient(_ conv: Conv2D, _ dy: ChannelMajor, inputShape: [Int], pad: Padding,
                              pool: BufferPool) -> Tensor? {
        let (h, w) = (inputShape[2], inputShape[3])
        guard conv.kernel == (3, 3), conv.stride == (1, 1), pad.top <= 2, pad.left <= 2,
              conv.outChannels >= WinogradBatchKernel.minimumChannels, conv.inChannels % 4 == 0,
              WinogradBatchKernel.pays(n: dy.n, ho: h, wo: w),
              let kernel = WinogradBatchKernel(Conv2D(weight: turned(conv.weight))) else { return nil }
        return run(kernel, dy, padTop: 2 - pad.top, padLeft: 2 - pad.left, ho: h, wo: w, pool: pool)
    }

    /// [O, I, KH, KW] filters as [I, O, KH, KW], each turned by 180°.
    static func turned(_ weight: Tensor) -> Tensor {
        let (o, i, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        var out = Tensor(uninitializedShape: [i, o, kh, kw])
        for a in 0..<o {
            for b in 0..<i {
                for y in 0..<kh {
                    for x in 0..<kw {
                        out.storage[((b * o + a) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)] =
                            weight.storage[((a * i + b) * kh + y) * kw + x]
                    }
                }
            }
        }
        return out
    }

    private static func run(_ kernel: WinogradBatchKernel, _ x: Tensor, padTop: Int, padLeft: Int, ho: Int, wo: Int,
                            pool: BufferPool) -> Tensor {
        run(kernel, ChannelMajor.from(x, pool: pool), padTop: padTop, padLeft: padLeft, ho: ho, wo: wo, pool: pool)
    }

    private static func run(_ kernel: WinogradBatchKernel, _ x: ChannelMajor, padTop: Int, padLeft: Int, ho: Int,
                            wo: Int, pool: BufferPool) -> Tensor {
        let out = ChannelMajor(c: kernel.outChannels, n: x.n, h: ho, w: wo, pool: pool)
        kernel.run(x.base, n: x.n, h: x.h, w: x.w, padTop: padTop, padLeft: padLeft, out: out.base, ho: ho, wo: wo,
                   pool: pool)
        return out.tensor(shape: [x.n, kernel.outChannels, ho, wo])
    }
}
