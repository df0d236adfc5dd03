// Layout: NCHW in and out, as everywhere in training; the batched Winograd kernel runs on CNHW
// copies taken from the layer's pool (one copy in, one out: small next to the convolution).
//   forward:        y = conv3×3(x, W) with the layer's padding (top, left)
//   input gradient: dx = conv3×3(dy, W̃) with padding (2 − top, 2 − left), W̃[i, o] = W[o, i] turned 180°

/// The batched Winograd kernel (``WinogradBatchKernel``) inside training. A stride-1 3 × 3
/// convolution's forward pass runs on it, and so does its input gradient, which is the same kind
/// of convolution of the output gradient with the filters turned by 180° and input and output
/// channels swapped. The filters change every step, so they are transformed on every call (a few
/// hundred thousand floats against millions of multiply-adds at training batch sizes).
enum TrainingWinograd {
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
