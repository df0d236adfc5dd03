// Layout: the stacked product writes [Σ O_b, N·H·W] (CNHW); branch b reads its O_b rows from
// offset_b as its input, so its first step (the 1 × 1 convolution) is dropped from its steps.

/// The 1 × 1 stride-1 convolutions that open several branches of a concatenation and read the
/// same input, run as one product with their filters stacked: one wider product (one packing of
/// the input, one pair of parallel regions) instead of several narrow ones, after which each
/// branch goes on from its rows of the result. Inception blocks open most branches this way
/// (FaceNet-160's Block35, Block17, Block8 and Mixed_7a; NN4.small2's inception 3a–5b).
///
/// Each output element is the same sum as the branch's own convolution computes: the packed
/// kernel computes it to the bit, sgemm up to Float32 summation order.
struct SharedPointwise: @unchecked Sendable {
    /// The stacked convolution.
    let conv: PlanConvolution
    /// Per branch: the first channel of its rows in the stacked output and their count, or `nil`
    /// when the branch does not open with one of the stacked convolutions.
    let slices: [(offset: Int, count: Int)?]

    /// Whether `conv` is pointwise: a 1 × 1 kernel, stride 1 and no padding.
    static func isPointwise(_ conv: Conv2D) -> Bool {
        guard conv.kernel == (1, 1), conv.stride == (1, 1) else { return false }
        switch conv.padding {
        case .same: return true
        case .explicit(let p): return p == .zero
        }
    }

    /// Stacks the pointwise convolutions that open `branches` (compiled steps), when at least
    /// two of them have the same activation (the most common one when they differ).
    /// The stacked convolution is prepared as the plan's others (``PlanConvolution/init(_:winograd:packed:allowsAVX512:)``).
    /// - Returns: the stacked convolution and the branches' steps with the stacked ones removed,
    ///   or `nil` when fewer than two convolutions can be stacked.
    static func merge(_ branches: [[InferencePlan.Step]], winograd: Bool, packed: Bool,
                      allowsAVX512: Bool = true) -> (SharedPointwise, [[InferencePlan.Step]])? {
        var heads: [Conv2D?] = branches.map { steps in
            guard case .conv(let c)? = steps.first, isPointwise(c.conv) else { return nil }
            return c.conv
        }
        let activations = heads.compactMap { $0?.activation }
        guard let activation = activations.max(by: { a, b in
            activations.filter { $0 == a }.count < activations.filter { $0 == b }.count
        }) else { return nil }
        heads = heads.map { $0?.activation == activation ? $0 : nil }
        let members = heads.compactMap { $0 }
        guard members.count >= 2, let inputs = members.first?.inChannels,
              members.allSatisfy({ $0.inChannels == inputs }) else { return nil }

        let outputs = members.reduce(0) { $0 + $1.outChannels }
        var weight: [Float] = []
        weight.reserveCapacity(outputs * inputs)
        var bias: [Float] = []
        var slices: [(offset: Int, count: Int)?] = []
        var rest: [[InferencePlan.Step]] = []
        for (head, steps) in zip(heads, branches) {
            guard let head else {
                slices.append(nil)
                rest.append(steps)
                continue
            }
            slices.append((weight.count / inputs, head.outChannels))
            weight += head.weight.storage
            bias += head.bias?.storage ?? [Float](repeating: 0, count: head.outChannels)
            rest.append(Array(steps.dropFirst()))
        }
        let hasBias = members.contains { $0.bias != nil }
        let stacked = Conv2D(weight: Tensor(shape: [outputs, inputs, 1, 1], storage: weight),
                             bias: hasBias ? Tensor(shape: [outputs], storage: bias) : nil,
                             activation: activation)
        return (SharedPointwise(conv: PlanConvolution(stacked, winograd: winograd, packed: packed,
                                                            allowsAVX512: allowsAVX512),
                                slices: slices),
                rest)
    }

    /// Runs the stacked convolution on `x` (CNHW) into a new buffer of its output channels.
    func run(_ x: ChannelMajor) -> ChannelMajor {
        let out = ChannelMajor(c: conv.o, n: x.n, h: x.h, w: x.w, rank: 4, pool: x.pool)
        conv.run(x, into: out)
        return out
    }
}
