import VisageNN

// The convolutional part of R-Net and O-Net run on small batches of crops with reused buffers.
// Between stages activations are kept channel-major across the batch, [C, N, H, W], so each
// convolution is one sgemm  out[O, N·P] = weight[O, K] · col[K, N·P]  written in place, followed
// by fused bias + PReLU and (optionally) ceil-mode max pooling. The result is flattened per
// sample in C, H, W order: [N, C·H·W], as Visage's Flatten would give for NCHW.

/// One stage: a stride-1 unpadded k × k convolution with bias, a PReLU, and an optional max pool.
struct MTCNNConvStage: Sendable {
    let weight: [Float]          // [O, I·k·k]
    let bias: [Float], slope: [Float]
    let inChannels: Int, outChannels: Int, kernel: Int
    let pool: (kernel: Int, stride: Int)?

    init(_ conv: Conv2D, _ prelu: PReLU, pool: (kernel: Int, stride: Int)? = nil) {
        weight = conv.weight.storage
        bias = conv.bias?.storage ?? [Float](repeating: 0, count: conv.outChannels)
        slope = prelu.slope
        inChannels = conv.inChannels
        outChannels = conv.outChannels
        kernel = conv.kernel.h
        self.pool = pool
    }

    /// The output side for an input side.
    func outputSide(_ side: Int) -> Int {
        let conv = side - kernel + 1
        guard let pool else { return conv }
        return StreamOps.pooledExtent(conv, kernel: pool.kernel, stride: pool.stride)
    }
}

/// Convolution stages applied to square crops, batched a few crops at a time: on the direct
/// kernel with the crops side by side (``MTCNNCropStrips``) when the CPU has AVX2/FMA, else
/// im2col + sgemm.
struct MTCNNConvStack: Sendable {
    let stages: [MTCNNConvStage]
    let inputSide: Int
    /// Keeps the working buffers between calls: a detector runs the stack a few times per photo,
    /// and fresh buffers cost page faults and clearing on every call.
    let pool = BufferPool(limitBytes: 64 << 20)
    /// The direct-kernel pass, when available.
    private let strips: MTCNNCropStrips?
    /// Floats per strip buffer (2 MB) that set how many crops a thread runs at a time: up to
    /// 7 O-Net crops, 35 R-Net crops. Measured (2 threads, median of 50): O-Net on 7 crops
    /// 512 KB 2.8 ms, 1 MB 2.1 ms, 2 MB 1.7 ms; R-Net on 44 crops 1.7 → 1.6 ms from 1 to 2 MB.
    static let stripFloats = 1 << 19

    /// The stack of `stages` for `inputSide`² crops.
    init(stages: [MTCNNConvStage], inputSide: Int) {
        self.stages = stages
        self.inputSide = inputSide
        strips = MTCNNCropStrips(stages, inputSide: inputSide)
    }

    /// The features' length per crop.
    private var flatCount: Int {
        var side = inputSide
        for stage in stages { side = stage.outputSide(side) }
        return stages.last!.outChannels * side * side
    }

    /// Features of a batch of NCHW crops [N, C, S, S] → [N, F] (per sample C, H, W order).
    func features(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.h == inputSide && x.w == inputSide && x.c == stages[0].inChannels,
                     "expects [N, \(stages[0].inChannels), \(inputSide), \(inputSide)], got \(x.shape)")
        guard let strips, x.n > 0 else { return columnFeatures(x) }
        let flat = flatCount
        var out = Tensor(shape: [x.n, flat])
        // One group of crops per thread, each through every stage on its own, a few crops at a
        // time (``stripFloats``).
        let groups = min(Backend.threads, x.n)
        let per = (x.n + groups - 1) / groups
        let chunk = max(1, min(per, Self.stripFloats / strips.bufferFloats(crops: 1)))
        let floats = strips.bufferFloats(crops: chunk)
        let block = pool.allocate(2 * groups * floats)
        defer { pool.release(block) }
        let blockBits = UInt(bitPattern: block)
        x.storage.withUnsafeBufferPointer { xp in
            out.storage.withUnsafeMutableBufferPointer { op in
                let (inBits, outBits) = (UInt(bitPattern: xp.baseAddress!), UInt(bitPattern: op.baseAddress!))
                Backend.parallelFor(groups) { g in
                    let first = g * x.n / groups, end = (g + 1) * x.n / groups
                    let buffers = UnsafeMutablePointer<Float>(bitPattern: blockBits)! + 2 * g * floats
                    for start in stride(from: first, to: end, by: chunk) {
                        strips.run(UnsafePointer(bitPattern: inBits)!, first: start, count: min(chunk, end - start),
                                   output: UnsafeMutablePointer(bitPattern: outBits)!, flat: flat,
                                   a: buffers, b: buffers + floats)
                    }
                }
            }
        }
        return out
    }

    /// ``features(_:)`` by im2col and sgemm, a few crops at a time (CPUs without AVX2/FMA).
    func columnFeatures(_ x: Tensor) -> Tensor {
        // Sides after each stage and the largest buffers per sample.
        var sides = [inputSide]
        for stage in stages { sides.append(stage.outputSide(sides.last!)) }
        var colPer = 0, actPer = 0
        for (i, stage) in stages.enumerated() {
            let conv = sides[i] - stage.kernel + 1
            colPer = max(colPer, stage.inChannels * stage.kernel * stage.kernel * conv * conv)
            actPer = max(actPer, stage.outChannels * conv * conv)
        }
        let last = stages.last!
        let flat = last.outChannels * sides.last! * sides.last!
        let chunk = max(1, min(x.n, (1 << 19) / max(colPer, 1)))
        var out = Tensor(shape: [x.n, flat])
        // One block for the im2col matrix and the two activation buffers (every element is
        // written before it is read), at least the pool's minimum so that it is kept.
        let floats = (colPer + 2 * actPer) * chunk
        let block = pool.allocate(max(floats, BufferPool.minimumBytes / MemoryLayout<Float>.stride))
        defer { pool.release(block) }
        let cp = UnsafeMutableBufferPointer(start: block, count: colPer * chunk)
        let ap = UnsafeMutableBufferPointer(start: block + colPer * chunk, count: actPer * chunk)
        let bp = UnsafeMutableBufferPointer(start: block + (colPer + actPer) * chunk, count: actPer * chunk)
        x.storage.withUnsafeBufferPointer { xp in
        out.storage.withUnsafeMutableBufferPointer { op in
            var s0 = 0
            while s0 < x.n {
                let n = min(chunk, x.n - s0)
                // Input: NCHW, sample stride C·S·S, plane stride S·S.
                var src = UnsafePointer(xp.baseAddress! + s0 * x.c * inputSide * inputSide)
                var sampleStride = x.c * inputSide * inputSide, planeStride = inputSide * inputSide
                var buffers = (ap.baseAddress!, bp.baseAddress!)
                for (i, stage) in stages.enumerated() {
                    let side = sides[i], conv = side - stage.kernel + 1, p = conv * conv
                    for s in 0..<n {
                        StreamOps.im2col(cp.baseAddress! + s * p, src + s * sampleStride, planeStride: planeStride,
                                         rowStride: side, channels: stage.inChannels, kernel: stage.kernel,
                                         rows: conv, outWidth: conv, dstRowStride: n * p)
                    }
                    let k = stage.inChannels * stage.kernel * stage.kernel
                    stage.weight.withUnsafeBufferPointer { wp in
                        Gemm.sgemm(m: stage.outChannels, n: n * p, k: k, a: wp.baseAddress!, lda: k,
                                   b: cp.baseAddress!, ldb: n * p, c: buffers.0, ldc: n * p)
                    }
                    StreamOps.biasPReLU(buffers.0, channels: stage.outChannels, count: n * p, planeStride: n * p,
                                        bias: stage.bias, slope: stage.slope)
                    var result = buffers.0
                    if let pool = stage.pool {
                        let ps = sides[i + 1]
                        StreamOps.maxPool(buffers.0, planeStride: p, planes: stage.outChannels * n, height: conv,
                                          width: conv, kernel: pool.kernel, stride: pool.stride,
                                          into: buffers.1, dstPlaneStride: ps * ps)
                        result = buffers.1
                    } else {
                        buffers = (buffers.1, buffers.0)
                    }
                    // Now [O, n, side', side'].
                    let next = sides[i + 1] * sides[i + 1]
                    src = UnsafePointer(result)
                    sampleStride = next
                    planeStride = n * next
                }
                // [C, n, P] → [n, C·P].
                let plane = sides.last! * sides.last!
                for s in 0..<n {
                    for c in 0..<last.outChannels {
                        (op.baseAddress! + (s0 + s) * flat + c * plane)
                            .update(from: src + c * n * plane + s * plane, count: plane)
                    }
                }
                s0 += n
            }
        }
        }
        return out
    }
}
