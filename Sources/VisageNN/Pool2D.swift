// Layout: NCHW in and out. Output extent per axis (rows shown):
//   floor mode (Keras "valid", dlib): Ho = (H + top + bottom − KH) / SY + 1
//   ceil mode (Caffe/Torch):          Ho = ceil((H + top + bottom − KH) / SY) + 1, minus one when
//                                     the last window would start inside the bottom padding.
// Windows are clipped to the image; max pooling ignores padding; average pooling divides by the
// in-image count (dlib, Keras) or by the full window (`countsPadding`).

/// Max or average pooling over KH × KW windows.
public struct Pool2D: Layer {
    /// What a window reduces to.
    public enum Kind: Sendable, Equatable {
        /// The largest value in the window.
        case max
        /// The mean; `countsPadding` divides by KH·KW instead of the in-image count.
        case average(countsPadding: Bool)
    }

    /// The reduction.
    public var kind: Kind
    /// Window rows and columns.
    public var kernel: (h: Int, w: Int)
    /// Vertical and horizontal stride.
    public var stride: (y: Int, x: Int)
    /// Padding around the input.
    public var padding: PaddingMode
    /// Whether output sizes round up (Caffe/Torch `ceil_mode`).
    public var ceilMode: Bool

    /// Creates a pooling layer.
    public init(_ kind: Kind, kernel: (h: Int, w: Int), stride: (y: Int, x: Int),
                padding: PaddingMode = .explicit(.zero), ceilMode: Bool = false) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.ceilMode = ceilMode
    }

    /// Square max pooling.
    public static func max(_ k: Int, stride: Int, padding: PaddingMode = .explicit(.zero),
                           ceilMode: Bool = false) -> Pool2D {
        Pool2D(.max, kernel: (k, k), stride: (stride, stride), padding: padding, ceilMode: ceilMode)
    }

    /// Square average pooling that divides by the in-image count.
    public static func average(_ k: Int, stride: Int, padding: PaddingMode = .explicit(.zero)) -> Pool2D {
        Pool2D(.average(countsPadding: false), kernel: (k, k), stride: (stride, stride), padding: padding)
    }

    private func extent(_ size: Int, _ lo: Int, _ hi: Int, _ k: Int, _ s: Int) -> Int {
        let span = size + lo + hi - k
        if span < 0 { return 0 }
        guard ceilMode else { return span / s + 1 }
        var out = (span + s - 1) / s + 1
        if (out - 1) * s >= size + lo { out -= 1 }
        return out
    }

    private func geometry(_ input: [Int]) -> (pad: Padding, ho: Int, wo: Int) {
        let pad = padding.resolve(h: input[2], w: input[3], kh: kernel.h, kw: kernel.w,
                                  sy: stride.y, sx: stride.x)
        return (pad, extent(input[2], pad.top, pad.bottom, kernel.h, stride.y),
                extent(input[3], pad.left, pad.right, kernel.w, stride.x))
    }

    /// [N, C, Ho, Wo].
    public func outputShape(for input: [Int]) -> [Int] {
        let g = geometry(input)
        return [input[0], input[1], g.ho, g.wo]
    }

    /// Runs the pooling.
    public func forward(_ x: Tensor) -> Tensor {
        let g = geometry(x.shape)
        var out = Tensor(shape: [x.n, x.c, g.ho, g.wo])
        x.storage.withUnsafeBufferPointer { xp in
            out.storage.withUnsafeMutableBufferPointer { op in
                pool(planes: x.n * x.c, h: x.h, w: x.w, from: xp.baseAddress!, into: op.baseAddress!)
            }
        }
        return out
    }

    /// Pools `planes` contiguous H × W planes from `src` into as many Ho × Wo planes at `dst`
    /// (the layout of the planes around them does not matter: NCHW and CNHW alike).
    func pool(planes: Int, h: Int, w: Int, from src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>) {
        let g = geometry([1, 1, h, w])
        let (ho, wo) = (g.ho, g.wo)
        let (kh, kw, sy, sx) = (kernel.h, kernel.w, stride.y, stride.x)
        let kind = self.kind
        let xb = UInt(bitPattern: src), ob = UInt(bitPattern: dst)
        let windows = PoolWindows(h: h, w: w, ho: ho, wo: wo, kh: kh, kw: kw, sy: sy, sx: sx,
                                  padTop: g.pad.top, padLeft: g.pad.left)
        if windows.padsRows {
            // Narrow planes: each thread pads its planes' rows into one buffer of its own.
            let workers = Swift.min(Backend.threads, planes)
            let columnCounts = windows.columnCounts
            let perWorker = (planes + workers - 1) / workers
            Backend.parallelFor(workers, elements: planes * h * w) { worker in
                let first = worker * perWorker, last = Swift.min(planes, first + perWorker)
                guard last > first else { return }
                withUnsafeTemporaryAllocation(of: Float.self, capacity: windows.paddedCount) { line in
                    for plane in first..<last {
                        let src = UnsafePointer<Float>(bitPattern: xb)! + plane * h * w
                        let dst = UnsafeMutablePointer<Float>(bitPattern: ob)! + plane * ho * wo
                        switch kind {
                        case .max:
                            windows.runPadded(MaxReduction(), src, dst, line: line.baseAddress!,
                                              columnCounts: columnCounts)
                        case .average(let countsPadding):
                            windows.runPadded(AverageReduction(divisor: countsPadding ? kh * kw : nil), src, dst,
                                              line: line.baseAddress!, columnCounts: columnCounts)
                        }
                    }
                }
            }
            return
        }
        Backend.parallelFor(planes, elements: planes * h * w) { plane in
            let src = UnsafePointer<Float>(bitPattern: xb)! + plane * h * w
            let dst = UnsafeMutablePointer<Float>(bitPattern: ob)! + plane * ho * wo
            switch kind {
            case .max:
                windows.run(MaxReduction(), src, dst)
            case .average(let countsPadding):
                windows.run(AverageReduction(divisor: countsPadding ? kh * kw : nil), src, dst)
            }
        }
    }
}

/// The mean of each channel over the whole plane: [N, C, H, W] → [N, C, 1, 1].
public struct GlobalAveragePool: Layer {
    /// Creates the layer.
    public init() {}

    /// [N, C, 1, 1].
    public func outputShape(for input: [Int]) -> [Int] { [input[0], input[1], 1, 1] }

    /// Averages every plane.
    public func forward(_ x: Tensor) -> Tensor {
        let plane = x.h * x.w
        var out = Tensor(shape: [x.n, x.c, 1, 1])
        x.storage.withUnsafeBufferPointer { xp in
            for i in 0..<(x.n * x.c) {
                var sum: Float = 0
                for j in 0..<plane { sum += xp[i * plane + j] }
                out.storage[i] = sum / Float(plane)
            }
        }
        return out
    }
}

// MARK: - Training

extension Pool2D {
    /// Pooling under training. Max pooling sends each output's gradient to the first largest
    /// input of its window, whose position the training-mode forward pass records; average
    /// pooling spreads it evenly over the values it averaged.
    public final class Trainable: TrainableLayer {
        /// The pooling.
        public let pool: Pool2D
        /// Max pooling: the input shape and, per output, the in-plane index of its window's first
        /// largest input. Average pooling: the input shape.
        private var cache: (shape: [Int], winners: [Int32])?

        /// Trains through a pooling layer (it has no parameters).
        public init(_ pool: Pool2D) { self.pool = pool }

        /// The pooling itself.
        public func inferenceLayer() -> any Layer { pool }

        /// Runs ``Pool2D/forward(_:)``; in training mode keeps what backward needs.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            guard mode == .training else {
                cache = nil
                return pool.forward(x)
            }
            guard pool.kind == .max else {
                cache = (x.shape, [])
                return pool.forward(x)
            }
            let g = pool.geometry(x.shape)
            let (h, w, ho, wo) = (x.h, x.w, g.ho, g.wo)
            let (kh, kw, sy, sx) = (pool.kernel.h, pool.kernel.w, pool.stride.y, pool.stride.x)
            var y = Tensor(uninitializedShape: [x.n, x.c, ho, wo])
            // Every output's entry is written by maxPool.
            var winners = [Int32](unsafeUninitializedCapacity: y.count) { _, n in n = y.count }
            x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in
            winners.withUnsafeMutableBufferPointer { ip in
                let (xb, yb, ib) = (UInt(bitPattern: xp.baseAddress!), UInt(bitPattern: yp.baseAddress!),
                                    UInt(bitPattern: ip.baseAddress!))
                Backend.parallelFor(x.n * x.c, elements: x.count) { plane in
                    let src = UnsafePointer<Float>(bitPattern: xb)! + plane * h * w
                    let dst = UnsafeMutablePointer<Float>(bitPattern: yb)! + plane * ho * wo
                    let win = UnsafeMutablePointer<Int32>(bitPattern: ib)! + plane * ho * wo
                    Trainable.maxPool(src, dst, win, h: h, w: w, ho: ho, wo: wo, kernel: (kh, kw), stride: (sy, sx),
                                      pad: (g.pad.top, g.pad.left))
                }
            } } }
            cache = (x.shape, winners)
            return y
        }

        /// Max-pools one plane, writing each output's value and the in-plane index of its window's
        /// first largest input (-1 for a window wholly in the padding, whose value is 0). Windows
        /// wholly inside the row run eight outputs at a time: one output's compare-and-select chain
        /// is nine dependent steps, eight of them side by side keep the core busy.
        static func maxPool(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                            _ win: UnsafeMutablePointer<Int32>, h: Int, w: Int, ho: Int, wo: Int,
                            kernel: (h: Int, w: Int), stride: (y: Int, x: Int), pad: (top: Int, left: Int)) {
            let (kh, kw, sy, sx) = (kernel.h, kernel.w, stride.y, stride.x)
            // Outputs whose window starts at or after column 0 and ends by column w.
            let inLo = Swift.min(wo, (pad.left + sx - 1) / sx)
            let inHi = Swift.max(inLo, Swift.min(wo, w + pad.left - kw >= 0 ? (w + pad.left - kw) / sx + 1 : 0))
            let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(sx)
            func scalar(_ oy: Int, _ ox: Int, _ ya: Int, _ yEnd: Int) {
                let x0 = ox * sx - pad.left
                let xa = Swift.max(x0, 0), xEnd = Swift.min(x0 + kw, w)
                guard ya < yEnd && xa < xEnd else {
                    dst[oy * wo + ox] = 0
                    win[oy * wo + ox] = -1
                    return
                }
                var at = ya * w + xa, best = src[at]
                for yy in ya..<yEnd {
                    for xx in xa..<xEnd {
                        let i = yy * w + xx, v = src[i]
                        let larger = v > best
                        best = larger ? v : best
                        at = larger ? i : at
                    }
                }
                dst[oy * wo + ox] = best
                win[oy * wo + ox] = Int32(at)
            }
            // Eight windows side by side: their inputs at one tap, loaded one by one or (stride 2)
            // as 16 consecutive inputs; a tap folded into the running maxima; the results stored.
            func gather(_ index: Int) -> SIMD8<Float> {
                var v = SIMD8<Float>()
                for i in 0..<8 { v[i] = src[index + i * sx] }
                return v
            }
            func pairs(_ index: Int) -> SIMD16<Float> { UnsafeRawPointer(src + index).loadUnaligned(as: SIMD16<Float>.self) }
            func take(_ v: SIMD8<Float>, _ index: Int, _ best: inout SIMD8<Float>, _ at: inout SIMD8<Int32>) {
                let larger = v .> best
                best.replace(with: v, where: larger)
                at.replace(with: SIMD8<Int32>(repeating: Int32(index)) &+ lanes, where: larger)
            }
            func store(_ o: Int, _ best: SIMD8<Float>, _ at: SIMD8<Int32>) {
                for i in 0..<8 {
                    dst[o + i] = best[i]
                    win[o + i] = at[i]
                }
            }
            for oy in 0..<ho {
                let y0 = oy * sy - pad.top
                let ya = Swift.max(y0, 0), yEnd = Swift.min(y0 + kh, h)
                var ox = 0
                while ox < inLo { scalar(oy, ox, ya, yEnd); ox += 1 }
                if ya < yEnd && sx == 2 {
                    // Stride 2: the eight windows' taps at one offset are the even or odd elements
                    // of 16 consecutive inputs; the load at kx + 1 ends one element past the last
                    // window, so this path stops while that element is still in the row.
                    while ox + 8 <= inHi && (ox + 7) * 2 - pad.left + kw < w {
                        let first = ya * w + ox * 2 - pad.left
                        var best = pairs(first).evenHalf, at = SIMD8<Int32>(repeating: Int32(first)) &+ lanes
                        for yy in ya..<yEnd {
                            var kx = 0
                            while kx < kw {
                                let base = yy * w + ox * 2 - pad.left + kx, both = pairs(base)
                                take(both.evenHalf, base, &best, &at)
                                if kx + 1 < kw { take(both.oddHalf, base + 1, &best, &at) }
                                kx += 2
                            }
                        }
                        store(oy * wo + ox, best, at)
                        ox += 8
                    }
                }
                if ya < yEnd {
                    while ox + 8 <= inHi {
                        let first = ya * w + ox * sx - pad.left
                        var best = gather(first), at = SIMD8<Int32>(repeating: Int32(first)) &+ lanes
                        for yy in ya..<yEnd {
                            for kx in 0..<kw {
                                let base = yy * w + ox * sx - pad.left + kx
                                take(gather(base), base, &best, &at)
                            }
                        }
                        store(oy * wo + ox, best, at)
                        ox += 8
                    }
                }
                while ox < wo { scalar(oy, ox, ya, yEnd); ox += 1 }
            }
        }

        /// Routes the gradient back through the windows.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let (shape, winners) = cache else { missingForward("Pool2D") }
            cache = nil
            let g = pool.geometry(shape)
            let (planes, h, w, ho, wo) = (shape[0] * shape[1], shape[2], shape[3], g.ho, g.wo)
            precondition(dy.shape == [shape[0], shape[1], ho, wo], "pool gradient \(dy.shape) for input \(shape)")
            let (kh, kw, sy, sx) = (pool.kernel.h, pool.kernel.w, pool.stride.y, pool.stride.x)
            let kind = pool.kind
            var dx = Tensor(shape: shape)
            dy.storage.withUnsafeBufferPointer { dp in
            dx.storage.withUnsafeMutableBufferPointer { gp in
            winners.withUnsafeBufferPointer { ip in
                let (db, gb) = (UInt(bitPattern: dp.baseAddress!), UInt(bitPattern: gp.baseAddress!))
                let ib = UInt(bitPattern: ip.baseAddress)
                Backend.parallelFor(planes, elements: planes * h * w) { plane in
                    let grad = UnsafePointer<Float>(bitPattern: db)! + plane * ho * wo
                    let dst = UnsafeMutablePointer<Float>(bitPattern: gb)! + plane * h * w
                    if case .max = kind {
                        let win = UnsafePointer<Int32>(bitPattern: ib)! + plane * ho * wo
                        for o in 0..<(ho * wo) where win[o] >= 0 { dst[Int(win[o])] += grad[o] }
                        return
                    }
                    guard case .average(let countsPadding) = kind else { return }
                    for oy in 0..<ho {
                        let y0 = oy * sy - g.pad.top
                        let ya = Swift.max(y0, 0), yEnd = Swift.min(y0 + kh, h)
                        for ox in 0..<wo {
                            let x0 = ox * sx - g.pad.left
                            let xa = Swift.max(x0, 0), xEnd = Swift.min(x0 + kw, w)
                            guard ya < yEnd && xa < xEnd else { continue }
                            let count = countsPadding ? kh * kw : (yEnd - ya) * (xEnd - xa)
                            let share = grad[oy * wo + ox] / Float(count)
                            for yy in ya..<yEnd { for xx in xa..<xEnd { dst[yy * w + xx] += share } }
                        }
                    }
                }
            } } }
            return dx
        }
    }
}

extension GlobalAveragePool {
    /// Global average pooling under training: dx = dy / (H·W) everywhere on the plane.
    public final class Trainable: TrainableLayer {
        private var inputShape: [Int]?

        /// Creates the layer.
        public init() {}

        /// ``GlobalAveragePool``.
        public func inferenceLayer() -> any Layer { GlobalAveragePool() }

        /// Averages every plane; in training mode keeps the input shape.
        public func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            inputShape = mode == .training ? x.shape : nil
            return GlobalAveragePool().forward(x)
        }

        /// Spreads the gradient evenly.
        public func backward(_ dy: Tensor) -> Tensor {
            guard let shape = inputShape else { missingForward("GlobalAveragePool") }
            inputShape = nil
            let plane = shape[2] * shape[3]
            precondition(dy.count == shape[0] * shape[1], "global pool gradient \(dy.shape) for input \(shape)")
            var dx = Tensor(shape: shape)
            let k = 1 / Float(plane)
            for i in 0..<dy.count {
                let v = dy.storage[i] * k
                for j in 0..<plane { dx.storage[i * plane + j] = v }
            }
            return dx
        }
    }
}
