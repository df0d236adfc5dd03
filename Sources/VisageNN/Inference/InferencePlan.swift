// Layout: NCHW at the boundary, CNHW inside (see ChannelMajor).

/// A network compiled for fast batched inference.
///
/// The plan keeps activations channel-major for the whole batch, so each convolution is one
/// wide sgemm over all samples (no per-sample products on small late-stage planes), 1×1
/// convolutions need no im2col, the branches of a concatenation write straight into their slice
/// of its output, and an Inception-ResNet up-projection accumulates onto its shortcut inside
/// the sgemm (`beta = 1`, `alpha = scale`). It computes the same function as running the layers
/// one by one, up to Float32 summation order.
///
/// ``Sequential/forward(_:)`` uses a plan automatically for image batches; build one directly
/// to check that a network is supported (``init(_:)`` returns `nil` otherwise).
public struct InferencePlan: Sendable {
    /// One step of the plan.
    indirect enum Step: @unchecked Sendable {
        case conv(PlanConvolution)
        case pool(Pool2D)
        case pad(Padding)
        case globalAverage
        case flatten
        case dense(Dense)
        case affine(ChannelAffine)
        case relu
        case prelu([Float])
        case softmax
        case l2(Float)
        case branches(Branches, [[Step]], SharedPointwise?)
        case residual(Residual, body: [Step], shortcut: [Step]?)
    }

    let steps: [Step]
    let network: Sequential
    /// The activations' and scratch memory, kept between calls (``BufferPool``).
    let pool = BufferPool()

    /// Compiles `network`, or returns `nil` when it holds a layer the plan does not know (run
    /// it layer by layer then).
    /// - Parameter winograd: run stride-1 3 × 3 convolutions with ``WinogradBatchKernel`` where
    ///   the CPU has AVX2/FMA (their filters are transformed once here, so this pays for plans
    ///   that are kept and reused, such as a model's).
    /// - Parameter packed: also pack every convolution's weights once for ``PackedGemmKernel``,
    ///   which then runs the products with few columns (a batch of one's late layers) in place of
    ///   sgemm; a second copy of the weights, so again for plans that are kept.
    /// - Parameter largeTiles: with `winograd`, run the layers whose planes are large enough by
    ///   F(4×4, 3×3) (``WinogradBatchKernel/prefersLargeTiles(n:ho:wo:)``; their filters packed for
    ///   it on first use); `false` keeps F(2×2, 3×3) everywhere (to compare).
    /// - Parameter stacksPointwise: run the 1 × 1 convolutions that open several branches of a
    ///   concatenation as one product (``SharedPointwise``); `false` runs them one by one (to
    ///   compare).
    /// - Parameter allowsAVX512: let the Winograd, packed and direct kernels run in AVX-512 where
    ///   the CPU has it; `false` keeps them in AVX2 (the same results; to compare).
    /// - Parameter lineWinograd: with `winograd`, run stride-1 1 × 7 and 7 × 1 convolutions by
    ///   ``LineWinogradKernel``'s F(2, 7); `false` keeps im2col and a matrix product (to compare).
    public init?(_ network: Sequential, winograd: Bool = false, packed: Bool = false, largeTiles: Bool = true,
                 stacksPointwise: Bool = true, allowsAVX512: Bool = true, lineWinograd: Bool = true) {
        let options = Options(winograd: winograd, packed: packed, largeTiles: largeTiles,
                              stacksPointwise: stacksPointwise, allowsAVX512: allowsAVX512, lineWinograd: lineWinograd)
        guard let steps = Self.compile(network.layers, options) else { return nil }
        self.steps = steps
        self.network = network
    }

    /// How ``compile(_:_:)`` builds the steps (the initializer's parameters).
    struct Options {
        let winograd: Bool, packed: Bool, largeTiles: Bool, stacksPointwise: Bool, allowsAVX512: Bool
        let lineWinograd: Bool
    }

    static func compile(_ layers: [any Layer], _ options: Options) -> [Step]? {
        let (winograd, packed, avx512) = (options.winograd, options.packed, options.allowsAVX512)
        var steps: [Step] = []
        for layer in layers {
            switch layer {
            case let conv as Conv2D:
                steps.append(.conv(PlanConvolution(conv, winograd: winograd, packed: packed,
                                                   largeTiles: options.largeTiles, lineWinograd: options.lineWinograd,
                                                   allowsAVX512: avx512)))
            case var pool as Pool2D:
                // A zero padding before a max pooling, of an input that cannot be negative (NN4.small2's
                // "pad 1, max-pool 3/2" after a ReLU), is the pooling's own padding: max pooling skips
                // padded positions, which gives the same maxima as zeros there, and no padded copy.
                if pool.kind == .max, !pool.ceilMode, pool.padding == .explicit(.zero), case .pad(let p)? = steps.last,
                   steps.count >= 2, Self.isNonNegative(steps[steps.count - 2]),
                   max(p.top, p.bottom) < pool.kernel.h, max(p.left, p.right) < pool.kernel.w {
                    steps.removeLast()
                    pool.padding = .explicit(p)
                }
                steps.append(.pool(pool))
            case let pad as ZeroPad2D: steps.append(.pad(pad.padding))
            case is GlobalAveragePool: steps.append(.globalAverage)
            case is Flatten: steps.append(.flatten)
            case let dense as Dense: steps.append(.dense(dense))
            case let affine as ChannelAffine: steps.append(.affine(affine))
            case is ReLU: steps.append(.relu)
            case let prelu as PReLU: steps.append(.prelu(prelu.slope))
            case is ChannelSoftmax: steps.append(.softmax)
            case let l2 as L2Normalize: steps.append(.l2(l2.epsilon))
            case let seq as Sequential:
                guard let inner = compile(seq.layers, options) else { return nil }
                steps += inner
            case let b as Branches:
                var branches: [[Step]] = []
                for branch in b.branches {
                    guard let inner = compile([branch], options) else { return nil }
                    branches.append(inner)
                }
                if options.stacksPointwise,
                   let (shared, rest) = SharedPointwise.merge(branches, winograd: winograd, packed: packed,
                                                                    allowsAVX512: avx512) {
                    steps.append(.branches(b, rest, shared))
                } else {
                    steps.append(.branches(b, branches, nil))
                }
            case let r as Residual:
                guard let body = compile([r.body], options) else { return nil }
                var shortcut: [Step]?
                if let s = r.shortcut {
                    guard let inner = compile([s], options) else { return nil }
                    shortcut = inner
                }
                steps.append(.residual(r, body: body, shortcut: shortcut))
            default:
                return nil
            }
        }
        return steps
    }

    /// Whether every value `step` writes is ≥ 0 (it ends in a ReLU).
    private static func isNonNegative(_ step: Step) -> Bool {
        switch step {
        case .conv(let conv): return conv.conv.activation == .relu
        case .affine(let affine): return affine.activation == .relu
        case .relu: return true
        default: return false
        }
    }

    /// Runs the network.
    /// - Parameter x: an NCHW batch [N, C, H, W].
    /// - Returns: what ``Sequential/forward(_:)`` returns, e.g. [N, F] embeddings.
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 || x.rank == 2, "a plan runs on [N, C, H, W] or [N, F], got \(x.shape)")
        let y = Self.run(steps[...], ChannelMajor.from(x, pool: pool), owned: true, into: nil)
        return y.tensor(shape: y.nchwShape)
    }

    /// Runs `steps` on `x`; the last one writes into `destination` when given (a view with the
    /// right shape, e.g. a branch's slice of a concatenation). In-place steps (activations,
    /// affine maps) copy `x` first unless the caller `owned` it: a shared input stays intact.
    static func run(_ steps: ArraySlice<Step>, _ x: ChannelMajor, owned: Bool, into destination: ChannelMajor?) -> ChannelMajor {
        var current = x
        var owned = owned
        for (index, step) in zip(steps.indices, steps) {
            let dest = index == steps.index(before: steps.endIndex) ? destination : nil
            current = apply(step, current, owned: owned, into: dest)
            if case .flatten = step {} else { owned = true }
        }
        if let destination, steps.isEmpty || destination.base != current.base {
            destination.copy(from: current)
            return destination
        }
        return current
    }

    private static func output(_ dest: ChannelMajor?, _ pool: BufferPool, c: Int, n: Int, h: Int, w: Int, rank: Int = 4) -> ChannelMajor {
        dest ?? ChannelMajor(c: c, n: n, h: h, w: w, rank: rank, pool: pool)
    }

    /// One step; returns its output (which is `dest` when the step can write there).
    private static func apply(_ step: Step, _ x: ChannelMajor, owned: Bool, into dest: ChannelMajor?) -> ChannelMajor {
        switch step {
        case .conv(let conv):
            let s = conv.outputShape(x)
            let out = output(dest, x.pool, c: s[1], n: s[0], h: s[2], w: s[3])
            conv.run(x, into: out)
            return out
        case .pool(let pool):
            let s = pool.outputShape(for: [x.n, x.c, x.h, x.w])
            let out = output(dest, x.pool, c: s[1], n: s[0], h: s[2], w: s[3])
            pool.pool(planes: x.c * x.n, h: x.h, w: x.w, from: x.base, into: out.base)
            return out
        case .pad(let p):
            let out = output(dest, x.pool, c: x.c, n: x.n, h: x.h + p.top + p.bottom, w: x.w + p.left + p.right)
            PlanKernels.pad(x, p, into: out)
            return out
        case .globalAverage:
            let out = output(dest, x.pool, c: x.c, n: x.n, h: 1, w: 1)
            PlanKernels.globalAverage(x, into: out)
            return out
        case .flatten:
            return PlanKernels.flatten(x)
        case .dense(let d):
            let v = PlanKernels.flatten(x)
            let out = output(dest, x.pool, c: d.weight.shape[0], n: x.n, h: 1, w: 1, rank: 2)
            PlanKernels.dense(d, v, into: out)
            return out
        case .affine(let a):
            let y = inPlace(x, owned)
            PlanKernels.affine(y, scale: a.scale, shift: a.shift, relu: a.activation == .relu)
            return y
        case .relu:
            let y = inPlace(x, owned)
            PlanKernels.relu(y)
            return y
        case .prelu(let slope):
            let y = inPlace(x, owned)
            PlanKernels.prelu(y, slope: slope)
            return y
        case .softmax:
            let y = inPlace(x, owned)
            PlanKernels.softmax(y)
            return y
        case .l2(let epsilon):
            let y = inPlace(x, owned)
            PlanKernels.l2Normalize(y, epsilon: epsilon)
            return y
        case let .branches(layer, branches, shared):
            let s = layer.outputShape(for: [x.n, x.c, x.h, x.w])
            let out = output(dest, x.pool, c: s[1], n: s[0], h: s[2], w: s[3])
            // The branches' opening 1 × 1 convolutions as one product; each branch owns its rows.
            let head = shared?.run(x)
            var c0 = 0
            for (index, (branch, inner)) in zip(layer.branches, branches).enumerated() {
                let bs = branch.outputShape(for: [x.n, x.c, x.h, x.w])
                precondition(bs[0] == s[0] && bs[2] == s[2] && bs[3] == s[3], "cannot concatenate \(bs) with \(s)")
                let cb = bs[1]
                if let head, let slice = shared?.slices[index] {
                    _ = run(inner[...], head.channels(slice.offset, slice.count), owned: true, into: out.channels(c0, cb))
                } else {
                    _ = run(inner[...], x, owned: false, into: out.channels(c0, cb))
                }
                c0 += cb
            }
            return out
        case let .residual(layer, body, shortcut):
            return residual(layer, body: body, shortcut: shortcut, x, owned: owned, into: dest)
        }
    }

    /// `activation(shortcut(x) + scale · body(x))`. When the body ends in a convolution whose
    /// output has the shortcut's shape, the convolution's sgemm adds `scale ·` its product onto
    /// the shortcut in the output (onto `x` itself when it is an owned identity shortcut), and
    /// its epilogue applies the block's ReLU in the same pass.
    private static func residual(_ layer: Residual, body: [Step], shortcut: [Step]?, _ x: ChannelMajor,
                                 owned: Bool, into dest: ChannelMajor?) -> ChannelMajor {
        let s = shortcut.map { run($0[...], x, owned: false, into: nil) } ?? x
        let relu = layer.activation == .relu
        if case .conv(let conv)? = body.last, conv.conv.activation == .identity {
            let y = run(body.dropLast(), x, owned: false, into: nil)
            let shape = conv.outputShape(y)
            if shape == [s.n, s.c, s.h, s.w] {
                // The shortcut's buffer becomes the output unless the convolution reads it (a body
                // that is this one convolution): products must not write the memory they read.
                let reuse = dest == nil && (s.storage !== x.storage || owned) && y.storage !== s.storage
                let out = reuse ? s : output(dest, x.pool, c: s.c, n: s.n, h: s.h, w: s.w)
                if !reuse { out.copy(from: s) }
                conv.run(y, into: out, alpha: layer.scale, accumulate: true, clamps: relu)
                return out
            }
        }
        let b = run(body[...], x, owned: false, into: nil)
        let out = output(dest, x.pool, c: max(s.c, b.c), n: max(s.n, b.n), h: max(s.h, b.h), w: max(s.w, b.w))
        PlanKernels.add(s, b, scale: layer.scale, into: out)
        if relu { PlanKernels.relu(out) }
        return out
    }

    /// `x` itself when owned, else a private copy to modify.
    private static func inPlace(_ x: ChannelMajor, _ owned: Bool) -> ChannelMajor {
        if owned { return x }
        let y = ChannelMajor(c: x.c, n: x.n, h: x.h, w: x.w, rank: x.rank, pool: x.pool)
        y.copy(from: x)
        return y
    }
}
