/// Face embeddings as one contiguous row-major matrix: row `i` is
/// `values[i * dimension ..< (i + 1) * dimension]`.
public struct EmbeddingMatrix: Sendable, Equatable {
    /// The number of rows (faces).
    public let count: Int
    /// Values per row.
    public let dimension: Int
    /// `count × dimension` Float32 values, row-major.
    public let values: [Float]

    /// Wraps a row-major matrix after checking its shape and values.
    /// - Parameters:
    ///   - values: `count × dimension` values.
    ///   - dimension: values per row (> 0).
    /// - Throws: ``ClusterError/badMatrix(count:dimension:values:)`` for a wrong size,
    ///   ``ClusterError/nonFiniteEmbedding(row:)`` for NaN or infinity.
    public init(values: [Float], dimension: Int) throws {
        guard dimension > 0, values.count % dimension == 0 else {
            throw ClusterError.badMatrix(count: dimension > 0 ? values.count / dimension : 0, dimension: dimension,
                                         values: values.count)
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ClusterError.nonFiniteEmbedding(row: bad / dimension)
        }
        self.values = values
        self.dimension = dimension
        self.count = values.count / dimension
    }

    /// Stacks rows of equal length.
    /// - Parameter rows: the embeddings; an empty list gives a 0-row matrix of dimension 1.
    /// - Throws: ``ClusterError/badMatrix(count:dimension:values:)`` when the rows differ in length.
    public init(rows: [[Float]]) throws {
        let dimension = rows.first?.count ?? 1
        var values: [Float] = []
        values.reserveCapacity(rows.count * dimension)
        for row in rows {
            guard row.count == dimension else {
                throw ClusterError.badMatrix(count: rows.count, dimension: dimension, values: -1)
            }
            values.append(contentsOf: row)
        }
        try self.init(values: values, dimension: dimension)
    }

    /// Row `i`.
    public func row(_ i: Int) -> ArraySlice<Float> { values[i * dimension ..< (i + 1) * dimension] }

    /// Squared L2 norm of every row.
    func squaredNorms() -> [Float] {
        var norms = [Float](repeating: 0, count: count)
        values.withUnsafeBufferPointer { v in
            for i in 0..<count {
                var s: Float = 0
                for j in 0..<dimension { let x = v[i * dimension + j]; s += x * x }
                norms[i] = s
            }
        }
        return norms
    }

    /// Euclidean distance between rows `a` and `b`.
    public func distance(_ a: Int, _ b: Int) -> Float {
        values.withUnsafeBufferPointer { v in
            var s: Float = 0
            for j in 0..<dimension { let d = v[a * dimension + j] - v[b * dimension + j]; s += d * d }
            return s.squareRoot()
        }
    }
}
