extension Tensor {
    /// The tensor with its axes reordered: output axis `i` is input axis `axes[i]`.
    ///
    /// Used to bring foreign layouts into Visage's, e.g. a Keras kernel [KH, KW, I, O] becomes
    /// [O, I, KH, KW] with `permuted([3, 2, 0, 1])`.
    /// - Parameter axes: a permutation of `0..<rank`.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "\(axes) is not a permutation of \(rank) axes")
        let newShape = axes.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for i in stride(from: rank - 2, through: 0, by: -1) { inStrides[i] = inStrides[i + 1] * shape[i + 1] }
        let strides = axes.map { inStrides[$0] }
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        storage.withUnsafeBufferPointer { src in
            for j in 0..<count {
                var offset = 0
                for a in 0..<rank { offset += index[a] * strides[a] }
                out[j] = src[offset]
                var a = rank - 1
                while a >= 0 {
                    index[a] += 1
                    if index[a] < newShape[a] { break }
                    index[a] = 0
                    a -= 1
                }
            }
        }
        return Tensor(shape: newShape, storage: out)
    }
}
