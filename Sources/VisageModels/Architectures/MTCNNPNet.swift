import VisageNN

// P-Net, fully convolutional, NCHW; shapes for a 12×12 window (the net slides with stride 2):
//   conv1 3×3 3→10, prelu1            → 10×10×10
//   max-pool 2/2 (ceil)               → 10×5×5
//   conv2 3×3 10→16, prelu2           → 16×3×3
//   conv3 3×3 16→32, prelu3           → 32×1×1
//   conv4_1 1×1 32→2, softmax         → face probability
//   conv4_2 1×1 32→4                  → box offsets
// Input: RGB scaled as (v − 127.5) / 128.

/// MTCNN's proposal network: scores every 12×12 window of an image (stride 2) and regresses
/// its box.
public struct MTCNNPNet: Sendable {
    /// conv1 … prelu3: [N, 3, H, W] → [N, 32, H', W'] with H' = ⌈(H − 2) / 2⌉ − 4.
    public let trunk: Sequential
    /// conv4_1 and the softmax: → [N, 2, H', W'].
    public let classifier: Sequential
    /// conv4_2: → [N, 4, H', W'].
    public let regressor: Conv2D
    /// The same weights as matrices for the streamed forward pass.
    private let streamer: MTCNNPNetStreamer
    /// The streamed pass on the direct convolution kernel, when the CPU has AVX2 and FMA.
    private let direct: MTCNNPNetDirect?

    /// Builds the net from facenet-pytorch's `pnet.pt` tensors.
    /// - Throws: ``ModelLoadError`` naming a missing, misshapen or unused tensor.
    public init(weights: WeightSource) throws {
        var b = MTCNNLayerBuilder(source: weights)
        let (conv1, prelu1) = (try b.conv("conv1", in: 3, out: 10, kernel: 3), try b.prelu("prelu1", channels: 10))
        let (conv2, prelu2) = (try b.conv("conv2", in: 10, out: 16, kernel: 3), try b.prelu("prelu2", channels: 16))
        let (conv3, prelu3) = (try b.conv("conv3", in: 16, out: 32, kernel: 3), try b.prelu("prelu3", channels: 32))
        let (conv41, conv42) = (try b.conv("conv4_1", in: 32, out: 2, kernel: 1), try b.conv("conv4_2", in: 32, out: 4, kernel: 1))
        try b.finish()
        trunk = Sequential([conv1, prelu1, Pool2D.max(2, stride: 2, ceilMode: true), conv2, prelu2, conv3, prelu3])
        classifier = Sequential([conv41, ChannelSoftmax()])
        regressor = conv42
        streamer = MTCNNPNetStreamer(
            weight1: conv1.weight.storage, b1: conv1.bias!.storage, a1: prelu1.slope,
            weight2: conv2.weight.storage, b2: conv2.bias!.storage, a2: prelu2.slope,
            weight3: conv3.weight.storage, b3: conv3.bias!.storage, a3: prelu3.slope,
            heads: conv41.weight.storage + conv42.weight.storage, headBias: conv41.bias!.storage + conv42.bias!.storage)
        direct = MTCNNPNetDirect(streamer)
    }

    /// The output extent for an input of `height` × `width`: ⌈(side − 2) / 2⌉ − 4.
    public static func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height - 1) / 2 - 4, (width - 1) / 2 - 4)
    }

    /// Runs the net on a batch of normalised images, [N, 3, H, W] with H, W ≥ 12, streaming each
    /// image in bands of rows (same result as ``reference(_:)`` up to rounding, much faster).
    public func callAsFunction(_ x: Tensor) -> MTCNNOutput {
        run(x, scratch: MTCNNPNetScratch())
    }

    /// Runs the net on each tensor of a list (e.g. the levels of an image pyramid), reusing one
    /// set of working buffers for all of them.
    /// - Parameter levels: normalised images, each [N, 3, H, W] with H, W ≥ 12.
    /// - Returns: one output per level, in order.
    public func callAsFunction(levels: [Tensor]) -> [MTCNNOutput] {
        run(count: levels.count, cost: { levels[$0].count }) { i, scratch, parallel in
            run(levels[i], scratch: scratch, parallel: parallel)
        }
    }

    /// Runs the net on the levels of an image pyramid held in caller-owned memory.
    /// - Parameters:
    ///   - planes: each level's normalised `3 × height × width` planes, channel-major.
    ///   - sizes: each level's height and width (both ≥ 12).
    /// - Returns: one output per level, in order.
    public func callAsFunction(levelPlanes planes: [UnsafePointer<Float>], sizes: [(height: Int, width: Int)]) -> [MTCNNOutput] {
        precondition(planes.count == sizes.count, "one size per level")
        return run(count: sizes.count, cost: { 3 * sizes[$0].height * sizes[$0].width }) { i, scratch, parallel in
            let (h, w) = sizes[i]
            let (ho, wo) = Self.outputSize(height: h, width: w)
            guard ho > 0, wo > 0, let direct else {
                return run(Tensor(shape: [1, 3, h, w], storage: Array(UnsafeBufferPointer(start: planes[i], count: 3 * h * w))),
                           scratch: scratch, parallel: parallel)
            }
            return directPass(direct, count: 1, height: h, width: w, scratch: scratch, parallel: parallel) { _ in planes[i] }
        }
    }

    /// Runs `count` inputs through `body(i, scratch, parallel)`. With the direct kernel and
    /// several threads: one parallel region for the whole pyramid, the inputs, largest `cost`
    /// first, going to the least loaded worker, and each worker running its inputs
    /// single-threaded with its own buffers (many small parallel loops cost more in thread
    /// hand-overs than they save).
    private func run(count: Int, cost: (Int) -> Int,
                     _ body: (Int, MTCNNPNetScratch, Bool) -> MTCNNOutput) -> [MTCNNOutput] {
        let workers = min(Backend.threads, count)
        guard direct != nil, workers > 1 else {
            let scratch = MTCNNPNetScratch()
            return (0..<count).map { body($0, scratch, true) }
        }
        var assigned = [[Int]](repeating: [], count: workers)
        var load = [Int](repeating: 0, count: workers)
        for i in (0..<count).sorted(by: { cost($0) > cost($1) }) {
            let w = load.indices.min { load[$0] < load[$1] }!
            assigned[w].append(i)
            load[w] += cost(i)
        }
        let results = UnsafeMutableBufferPointer<MTCNNOutput?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let bits = UInt(bitPattern: results.baseAddress!)
        Backend.parallelFor(workers) { w in
            let out = UnsafeMutablePointer<MTCNNOutput?>(bitPattern: bits)!
            let scratch = MTCNNPNetScratch()
            for i in assigned[w] { out[i] = body(i, scratch, false) }
        }
        return results.map { $0! }
    }

    private func run(_ x: Tensor, scratch: MTCNNPNetScratch, parallel: Bool = true) -> MTCNNOutput {
        precondition(x.rank == 4 && x.c == 3, "P-Net expects [N, 3, H, W], got \(x.shape)")
        let (ho, wo) = Self.outputSize(height: x.h, width: x.w)
        guard ho > 0, wo > 0 else { return reference(x) }
        guard let direct else { return streamed(x, scratch: scratch) }
        return x.storage.withUnsafeBufferPointer { xp in
            directPass(direct, count: x.n, height: x.h, width: x.w, scratch: scratch, parallel: parallel) { s in
                xp.baseAddress! + s * 3 * x.h * x.w
            }
        }
    }

    /// The direct pass over `count` images of `h × w` (output at least 1 × 1); `image(s)` gives
    /// sample `s`'s planes.
    private func directPass(_ direct: MTCNNPNetDirect, count: Int, height h: Int, width w: Int,
                            scratch: MTCNNPNetScratch, parallel: Bool,
                            image: (Int) -> UnsafePointer<Float>) -> MTCNNOutput {
        let (ho, wo) = Self.outputSize(height: h, width: w)
        var probability = Tensor(shape: [count, 2, ho, wo])
        var regression = Tensor(shape: [count, 4, ho, wo])
        let plane = ho * wo
        probability.storage.withUnsafeMutableBufferPointer { pp in
            regression.storage.withUnsafeMutableBufferPointer { rp in
                for s in 0..<count {
                    let face = pp.baseAddress! + (2 * s + 1) * plane
                    direct.run(image(s), height: h, width: w, probability: face, offsets: rp.baseAddress! + 4 * s * plane,
                               scratch: scratch, parallel: parallel)
                    for i in 0..<plane { pp[2 * s * plane + i] = 1 - face[i] }
                }
            }
        }
        return MTCNNOutput(probability: probability, regression: regression)
    }

    /// The streamed pass without the direct kernel (im2col + sgemm), for a batch.
    private func streamed(_ x: Tensor, scratch: MTCNNPNetScratch) -> MTCNNOutput {
        let (ho, wo) = Self.outputSize(height: x.h, width: x.w)
        var probability = Tensor(shape: [x.n, 2, ho, wo])
        var regression = Tensor(shape: [x.n, 4, ho, wo])
        let plane = ho * wo
        x.storage.withUnsafeBufferPointer { xp in
            probability.storage.withUnsafeMutableBufferPointer { pp in
                regression.storage.withUnsafeMutableBufferPointer { rp in
                    for s in 0..<x.n {
                        let face = pp.baseAddress! + (2 * s + 1) * plane
                        streamer.run(xp.baseAddress! + s * 3 * x.h * x.w, height: x.h, width: x.w, probability: face,
                                     offsets: rp.baseAddress! + 4 * s * plane, scratch: scratch)
                        for i in 0..<plane { pp[2 * s * plane + i] = 1 - face[i] }
                    }
                }
            }
        }
        return MTCNNOutput(probability: probability, regression: regression)
    }

    /// Runs the declared layers one after the other (the definition the streamed pass follows).
    public func reference(_ x: Tensor) -> MTCNNOutput {
        let features = trunk(x)
        return MTCNNOutput(probability: classifier(features), regression: regressor(features))
    }
}
