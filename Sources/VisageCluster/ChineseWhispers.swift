import VisageEval

/// How much a neighbour's vote counts in ``ChineseWhispers``.
public enum EdgeWeighting: String, Sendable, CaseIterable, Codable {
    /// Every link counts 1, as dlib's `chinese_whispers_clustering`.
    case uniform
    /// A link counts `1 − distance / threshold`: close faces pull harder than borderline ones.
    case closeness
}

/// Chinese whispers graph clustering (Biemann 2006), as dlib's `chinese_whispers`: every node
/// starts with its own label; `iterations × count` times a random node takes the label with the
/// largest total edge weight among its neighbours (itself included with weight 1, as dlib's
/// Python binding links each face to itself; ties go to the smaller label).
///
/// Deterministic for a given seed (SplitMix64: VisageEval's `SeededGenerator`). Labels are
/// counted in a reusable scratch array, not a dictionary, so a step costs O(degree).
public struct ChineseWhispers: Sendable, Equatable {
    /// Rounds; each round makes `count` random updates (dlib's default: 100).
    public var iterations: Int
    /// The random seed.
    public var seed: UInt64
    /// How votes are weighted.
    public var weighting: EdgeWeighting

    /// Creates the algorithm's settings.
    public init(iterations: Int = 100, seed: UInt64 = 0, weighting: EdgeWeighting = .uniform) {
        self.iterations = iterations
        self.seed = seed
        self.weighting = weighting
    }

    /// One label per node, numbered 0, 1, … in order of first appearance.
    /// - Parameter graph: the linked faces.
    /// - Throws: ``ClusterError/badOption(name:value:range:)`` for iterations outside 1…10,000.
    public func labels(for graph: NeighbourGraph) throws -> [Int] {
        guard (1...10_000).contains(iterations) else {
            throw ClusterError.badOption(name: "iterations", value: iterations, range: 1...10_000)
        }
        let n = graph.count
        guard n > 0 else { return [] }
        var labels = Array(0..<n)
        var score = [Double](repeating: 0, count: n)
        var touched: [Int] = []
        var random = SeededGenerator(seed: seed)
        let scale = Double(1 / graph.threshold)
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.neighbours.withUnsafeBufferPointer { nb in
                graph.distances.withUnsafeBufferPointer { dist in
                    for _ in 0..<(iterations * n) {
                        let node = Int(random.next() % UInt64(n))
                        let start = offsets[node], end = offsets[node + 1]
                        if start == end { continue }
                        touched.removeAll(keepingCapacity: true)
                        touched.append(labels[node])
                        score[labels[node]] = 1
                        for e in start..<end {
                            let label = labels[Int(nb[e])]
                            let w = weighting == .uniform ? 1 : max(0, 1 - Double(dist[e]) * scale)
                            if score[label] == 0 { touched.append(label) }
                            score[label] += w
                        }
                        var best = labels[node], bestScore = -Double.infinity
                        for label in touched {
                            let s = score[label]
                            if s > bestScore || (s == bestScore && label < best) { best = label; bestScore = s }
                            score[label] = 0
                        }
                        labels[node] = best
                    }
                }
            }
        }
        return Self.renumbered(labels)
    }

    /// Maps labels to 0, 1, … in order of first appearance.
    static func renumbered(_ labels: [Int]) -> [Int] {
        var map = [Int](repeating: -1, count: labels.count)
        var next = 0
        return labels.map { label in
            if map[label] < 0 { map[label] = next; next += 1 }
            return map[label]
        }
    }
}
