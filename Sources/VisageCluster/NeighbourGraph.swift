import VisageNN

/// Every pair of faces closer than a threshold, as compressed neighbour lists (CSR).
///
/// Node `i`'s neighbours are `neighbours[offsets[i] ..< offsets[i + 1]]`, ascending, with their
/// Euclidean distances at the same positions in `distances`. A node is not its own neighbour.
/// Built from blocks of `X · Xᵀ` computed by BLAS sgemm (upper triangle only), so 10,000
/// 128-d embeddings take a fraction of a second and no `n × n` matrix is ever held.
public struct NeighbourGraph: Sendable, Equatable {
    /// The number of nodes.
    public let count: Int
    /// Pairs are linked when their distance is below this.
    public let threshold: Float
    /// `count + 1` start positions into ``neighbours``.
    public let offsets: [Int]
    /// Neighbour indices, grouped by node.
    public let neighbours: [Int32]
    /// Distance to each neighbour.
    public let distances: [Float]

    /// The default cap on linked pairs (about 240 MB of edges).
    public static let defaultEdgeLimit = 20_000_000

    /// Links every pair of rows at Euclidean distance `< threshold`.
    /// - Parameters:
    ///   - embeddings: the faces.
    ///   - threshold: the linking distance (> 0).
    ///   - edgeLimit: the most pairs kept before giving up.
    /// - Throws: ``ClusterError/badThreshold(_:)``, ``ClusterError/tooManyEdges(limit:)``.
    public init(embeddings: EmbeddingMatrix, threshold: Float, edgeLimit: Int = NeighbourGraph.defaultEdgeLimit) throws {
        guard threshold.isFinite, threshold > 0 else { throw ClusterError.badThreshold(threshold) }
        guard embeddings.count <= Int(Int32.max) else { throw ClusterError.tooManyEdges(limit: edgeLimit) }
        let n = embeddings.count, d = embeddings.dimension
        let norms = embeddings.squaredNorms()
        let limit2 = threshold * threshold
        var first: [Int32] = [], second: [Int32] = [], lengths: [Float] = []
        let block = 256
        var products = [Float](repeating: 0, count: min(block, max(n, 1)) * max(n, 1))
        embeddings.values.withUnsafeBufferPointer { x in
            products.withUnsafeMutableBufferPointer { c in
                norms.withUnsafeBufferPointer { sq in
                    var r0 = 0
                    while r0 < n && first.count <= edgeLimit {
                        let rows = min(block, n - r0), cols = n - r0
                        // C[r, c] = x[r0 + r] · x[r0 + c] for the block's rows against every later row.
                        Gemm.sgemm(transB: true, m: rows, n: cols, k: d, a: x.baseAddress! + r0 * d, lda: d,
                                   b: x.baseAddress! + r0 * d, ldb: d, c: c.baseAddress!, ldc: cols)
                        for r in 0..<rows {
                            let i = r0 + r, base = r * cols
                            for col in (r + 1)..<cols {
                                let j = r0 + col
                                let d2 = sq[i] + sq[j] - 2 * c[base + col]
                                if d2 < limit2 {
                                    first.append(Int32(i)); second.append(Int32(j))
                                    lengths.append(max(d2, 0).squareRoot())
                                }
                            }
                        }
                        r0 += rows
                    }
                }
            }
        }
        guard first.count <= edgeLimit else { throw ClusterError.tooManyEdges(limit: edgeLimit) }
        self.init(count: n, threshold: threshold, first: first, second: second, lengths: lengths)
    }

    /// Builds the symmetric CSR lists from pairs `first[e] < second[e]` found in row order.
    private init(count n: Int, threshold: Float, first: [Int32], second: [Int32], lengths: [Float]) {
        var degree = [Int](repeating: 0, count: n + 1)
        for e in first.indices { degree[Int(first[e]) + 1] += 1; degree[Int(second[e]) + 1] += 1 }
        for i in 0..<n { degree[i + 1] += degree[i] }
        var cursor = Array(degree.dropLast())
        var neighbours = [Int32](repeating: 0, count: degree[n])
        var distances = [Float](repeating: 0, count: degree[n])
        // Pairs arrive sorted by (first, second): filling both directions in that order keeps every
        // list ascending (a node's lower neighbours come from earlier rows, higher ones from its own).
        for e in first.indices {
            let a = Int(first[e]), b = Int(second[e])
            neighbours[cursor[a]] = second[e]; distances[cursor[a]] = lengths[e]; cursor[a] += 1
            neighbours[cursor[b]] = first[e]; distances[cursor[b]] = lengths[e]; cursor[b] += 1
        }
        self.count = n
        self.threshold = threshold
        self.offsets = degree
        self.neighbours = neighbours
        self.distances = distances
    }

    /// The number of neighbours of node `i`.
    public func degree(of i: Int) -> Int { offsets[i + 1] - offsets[i] }

    /// Node `i`'s neighbours, ascending.
    public func neighbours(of i: Int) -> ArraySlice<Int32> { neighbours[offsets[i] ..< offsets[i + 1]] }

    /// The number of linked pairs.
    public var edgeCount: Int { neighbours.count / 2 }
}
