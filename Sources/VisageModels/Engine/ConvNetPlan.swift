import VisageNN

// Layout: NCHW at the boundary, CNHW inside (see PlaneBuffer).

/// A VisageNN network of convolutions, poolings, residual blocks and a final dense layer,
/// compiled for fast inference: activations in channel-major batch layout so every
/// convolution's sgemm writes the next layer's input directly, convolutions run in bands (no
/// image-sized im2col buffer; stride-1 3 × 3 ones by the batched Winograd kernel, 5 × 5 ones with
/// Winograd's F(2 × 2, 5 × 5)), first layers of few channels on the direct kernel,
/// and buffers are not zeroed before they are overwritten.
///
/// It computes the same function as the network's `forward` (up to f32 summation order).
struct ConvNetPlan: Sendable {
    /// One step of the plan.
    indirect enum Step: Sendable {
        case conv(BandedConvolution)
        case direct(DirectConvolution)
        case winograd(WinogradConvolution, fallback: BandedConvolution)
        case batchWinograd(BatchWinogradConvolution)
        case pool(Pool2D)
        case globalAverage
        case relu
        case affine(ChannelAffine)
        case residual(body: [Step], shortcut: [Step]?, relu: Bool)
        case dense(Dense)
    }

    /// The steps, input first.
    let steps: [Step]
    /// The network's output shape rule.
    let network: Sequential
    /// The activations' and scratch memory, kept between calls.
    let pool = BufferPool()

    /// Compiles `network`, or returns `nil` when it holds a layer the plan does not support.
    /// - Parameters:
    ///   - network: the layers.
    ///   - direct: run the convolutions with the direct AVX2/FMA kernel when the CPU has it
    ///     (for nets with few channels, such as the face detectors; wide nets are faster with
    ///     sgemm).
    init?(_ network: Sequential, direct: Bool = false) {
        guard let steps = Self.compile(network.layers, direct: direct && DirectConvolution.isAvailable) else { return nil }
        self.steps = steps
        self.network = network
    }

    private static func compile(_ layers: [any Layer], direct: Bool) -> [Step]? {
        var steps: [Step] = []
        for layer in layers {
            switch layer {
            case let conv as Conv2D:
                if direct || conv.inChannels <= DirectKernel.narrowInputChannels, DirectConvolution.isAvailable,
                   let fast = DirectConvolution(conv) {
                    steps.append(.direct(fast))
                    continue
                }
                // Stride-1 3 × 3 (the ResNet's): the batched Winograd kernel, whose fused transforms
                // and register-blocked products beat im2col + sgemm 1.5× on the whole net (an older
                // F(2×2, 3×3) through sixteen small sgemms per convolution had doubled its time).
                // Without AVX2, 5 × 5 (MMOD's) by the sgemm Winograd.
                if let fast = BatchWinogradConvolution(conv) {
                    steps.append(.batchWinograd(fast))
                } else if conv.kernel == (5, 5), let fast = WinogradConvolution(conv) {
                    steps.append(.winograd(fast, fallback: BandedConvolution(conv)))
                } else {
                    steps.append(.conv(BandedConvolution(conv)))
                }
            case let pool as Pool2D where !pool.ceilMode:
                steps.append(.pool(pool))
            case is GlobalAveragePool:
                steps.append(.globalAverage)
            case is ReLU:
                steps.append(.relu)
            case let affine as ChannelAffine:
                steps.append(.affine(affine))
            case let dense as Dense:
                // Only on a [C, N, 1, 1] input, i.e. after a global average.
                guard case .globalAverage? = steps.last else { return nil }
                steps.append(.dense(dense))
            case let seq as Sequential:
                guard let inner = compile(seq.layers, direct: direct) else { return nil }
                steps += inner
            case let block as Residual where block.scale == 1:
                guard let body = compile([block.body], direct: direct) else { return nil }
                var shortcut: [Step]?
                if let s = block.shortcut {
                    guard let compiled = compile([s], direct: direct) else { return nil }
                    shortcut = compiled
                }
                steps.append(.residual(body: body, shortcut: shortcut, relu: block.activation == .relu))
            default:
                return nil
            }
        }
        return steps
    }

    /// Runs the network on an NCHW batch.
    /// - Parameter input: [N, C, H, W].
    /// - Returns: the network's output (same shape as `network.forward`).
    func forward(_ input: Tensor) -> Tensor {
        let x = input.storage.withUnsafeBufferPointer {
            PlaneBuffer.fromNCHW($0.baseAddress!, n: input.n, c: input.c, h: input.h, w: input.w, pool: pool)
        }
        return output(Self.run(steps, x, ownsInput: true), inputShape: input.shape)
    }

    /// Runs the network on one sample that `fill` writes (all `c × h × w` elements, CHW) into
    /// an input buffer from the plan's pool: no tensor to allocate, clear and copy.
    /// - Returns: the network's output, [1, …].
    func forward(channels c: Int, height h: Int, width w: Int, fill: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let x = PlaneBuffer(c: c, n: 1, h: h, w: w, pool: pool)  // CNHW with N = 1 is CHW
        fill(x.data)
        return output(Self.run(steps, x, ownsInput: true), inputShape: [1, c, h, w])
    }

    /// The network's result `y` for an input of `inputShape` as an NCHW tensor; frees `y`.
    private func output(_ y: PlaneBuffer, inputShape: [Int]) -> Tensor {
        var out = Tensor(shape: network.outputShape(for: inputShape))
        out.storage.withUnsafeMutableBufferPointer { y.toNCHW($0.baseAddress!) }
        y.free()
        return out
    }

    /// Runs steps on `x`; frees `x` when `ownsInput` and it is not the result.
    private static func run(_ steps: [Step], _ x: PlaneBuffer, ownsInput: Bool) -> PlaneBuffer {
        var current = x
        var owned = ownsInput
        for step in steps {
            let next: PlaneBuffer
            switch step {
            case .conv(let conv): next = conv.run(current)
            case .direct(let conv): next = conv.run(current)
            case .batchWinograd(let conv): next = conv.run(current)
            case let .winograd(conv, fallback):
                let tiles = conv.tileCount(n: current.n, h: current.h, w: current.w)
                next = tiles >= WinogradConvolution.minimumTiles ? conv.run(current) : fallback.run(current)
            case .pool(let pool): next = PlaneKernels.pool(current, pool)
            case .globalAverage: next = PlaneKernels.globalAverage(current)
            case .dense(let dense): next = PlaneKernels.dense(current, dense)
            case .relu, .affine:
                next = owned ? current : copy(current)
                if case .affine(let a) = step { PlaneKernels.affine(next, a) } else { PlaneKernels.relu(next) }
            case let .residual(body, shortcut, relu):
                let b = run(body, current, ownsInput: false)
                let s = shortcut.map { run($0, current, ownsInput: false) } ?? current
                next = PlaneKernels.add(body: b, shortcut: s, relu: relu)
                if next.data != b.data { b.free() }
                if shortcut != nil { s.free() }
            }
            if owned && next.data != current.data { current.free() }
            current = next
            owned = true
        }
        return current
    }

    private static func copy(_ x: PlaneBuffer) -> PlaneBuffer {
        let y = x.sibling(c: x.c, n: x.n, h: x.h, w: x.w)
        y.data.update(from: x.data, count: x.count)
        return y
    }
}
