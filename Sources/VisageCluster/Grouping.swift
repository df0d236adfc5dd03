/// Faces split into groups and the faces in no group.
public struct Grouping: Sendable, Equatable {
    /// Groups of face indices (ascending within a group), largest group first, ties broken by
    /// their first face.
    public var groups: [[Int]]
    /// Faces in no group (noise, or in a group smaller than the minimum size), ascending.
    public var unassigned: [Int]

    /// Creates a grouping from its parts.
    public init(groups: [[Int]], unassigned: [Int]) {
        self.groups = groups
        self.unassigned = unassigned
    }

    /// Gathers faces by label and keeps groups of at least `minSize` faces.
    /// - Parameters:
    ///   - labels: one label per face, numbered from 0 (`nil`: noise).
    ///   - minSize: the smallest group kept (≥ 1).
    public init(labels: [Int?], minSize: Int) {
        var buckets: [[Int]] = []
        var noise: [Int] = []
        for (face, label) in labels.enumerated() {
            guard let label, label >= 0 else { noise.append(face); continue }
            while buckets.count <= label { buckets.append([]) }
            buckets[label].append(face)
        }
        var kept: [[Int]] = []
        for bucket in buckets where !bucket.isEmpty {
            if bucket.count >= minSize { kept.append(bucket) } else { noise.append(contentsOf: bucket) }
        }
        kept.sort { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        self.init(groups: kept, unassigned: noise.sorted())
    }

    /// One label per face for scoring: group `g` is label `g`, and every unassigned face gets a
    /// label of its own.
    /// - Parameter count: the number of faces.
    public func labels(count: Int) -> [Int] {
        var labels = [Int](repeating: -1, count: count)
        for (g, group) in groups.enumerated() { for face in group { labels[face] = g } }
        var next = groups.count
        for face in 0..<count where labels[face] < 0 { labels[face] = next; next += 1 }
        return labels
    }

    /// Each group's representative: the face nearest the group's mean embedding.
    /// - Parameter embeddings: the faces' embeddings (the matrix that was clustered).
    public func representatives(in embeddings: EmbeddingMatrix) -> [Int] {
        let d = embeddings.dimension
        return groups.map { group in
            var mean = [Float](repeating: 0, count: d)
            return embeddings.values.withUnsafeBufferPointer { v in
                for face in group { for j in 0..<d { mean[j] += v[face * d + j] } }
                let inv = 1 / Float(group.count)
                for j in 0..<d { mean[j] *= inv }
                var best = group[0], bestDistance = Float.infinity
                for face in group {
                    var s: Float = 0
                    for j in 0..<d { let x = v[face * d + j] - mean[j]; s += x * x }
                    if s < bestDistance { bestDistance = s; best = face }
                }
                return best
            }
        }
    }
}
