/// DBSCAN (Ester et al. 1996) over a ``NeighbourGraph``: a face with at least ``minPoints``
/// faces within the graph's threshold (itself included) is a core face; groups are the core
/// faces linked through each other plus the faces they reach; the rest is noise.
public struct DBSCAN: Sendable, Equatable {
    /// Faces within the threshold, itself included, that make a face a core face.
    public var minPoints: Int

    /// Creates the algorithm's settings.
    public init(minPoints: Int = 3) { self.minPoints = minPoints }

    /// One label per node (0, 1, … in order of discovery), or `nil` for noise.
    /// - Parameter graph: the linked faces (the threshold is DBSCAN's ε).
    /// - Throws: ``ClusterError/badOption(name:value:range:)`` for `minPoints` outside 1…1,000.
    public func labels(for graph: NeighbourGraph) throws -> [Int?] {
        guard (1...1_000).contains(minPoints) else {
            throw ClusterError.badOption(name: "min-points", value: minPoints, range: 1...1_000)
        }
        let n = graph.count
        var labels = [Int?](repeating: nil, count: n)
        var isCore = [Bool](repeating: false, count: n)
        for i in 0..<n { isCore[i] = graph.degree(of: i) + 1 >= minPoints }
        var next = 0
        var queue: [Int] = []
        for seed in 0..<n where isCore[seed] && labels[seed] == nil {
            labels[seed] = next
            queue.removeAll(keepingCapacity: true)
            queue.append(seed)
            var head = 0
            while head < queue.count {
                let node = queue[head]; head += 1
                guard isCore[node] else { continue }
                for m in graph.neighbours(of: node) where labels[Int(m)] == nil {
                    labels[Int(m)] = next
                    queue.append(Int(m))
                }
            }
            next += 1
        }
        return labels
    }
}
