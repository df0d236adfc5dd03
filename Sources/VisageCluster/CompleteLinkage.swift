/// Agglomerative clustering with complete linkage, cut at the graph's threshold: groups are merged
/// closest first, where the distance between two groups is their farthest pair of faces, and two
/// groups merge only while that distance is below the threshold. So every two faces of a group are
/// closer than the threshold (a group's diameter is below it) — no chaining of look-alikes through
/// intermediate faces, the usual failure of single-link methods on large photo collections.
///
/// Exact on a ``NeighbourGraph``: a pair of groups is a merge candidate only when every cross pair
/// is an edge (all closer than the threshold), so the pairs the graph leaves out never matter.
/// Runs in about O(E log E) for E edges; deterministic (ties go to the lower face indices).
public struct CompleteLinkage: Sendable, Equatable {
    /// Creates the algorithm (it has no settings besides the graph's threshold).
    public init() {}

    /// One label per node (0, 1, … in order of each group's lowest face).
    /// - Parameter graph: the linked faces (the threshold is the largest diameter of a group).
    public func labels(for graph: NeighbourGraph) -> [Int?] {
        let n = graph.count
        // Per live group: its size, and for each adjacent group the number of cross edges and the
        // longest of them. A pair is complete when cross edges == size × size.
        var size = [Int](repeating: 1, count: n)
        var parent = Array(0..<n)
        var version = [Int](repeating: 0, count: n)
        var links = [[Int: CrossLinks]](repeating: [:], count: n)
        var heap = MergeHeap()
        for i in 0..<n {
            let lo = graph.offsets[i], hi = graph.offsets[i + 1]
            links[i].reserveCapacity(hi - lo)
            for e in lo..<hi {
                let j = Int(graph.neighbours[e])
                links[i][j] = CrossLinks(count: 1, longest: graph.distances[e])
                if i < j { heap.push(MergeCandidate(distance: graph.distances[e], a: i, b: j, versionA: 0, versionB: 0)) }
            }
        }
        while let top = heap.pop() {
            let a = top.a, b = top.b
            guard parent[a] == a, parent[b] == b, version[a] == top.versionA, version[b] == top.versionB else { continue }
            // Keep the group with more neighbours; fold the other into it.
            let (keep, gone) = links[a].count >= links[b].count ? (a, b) : (b, a)
            parent[gone] = keep
            size[keep] += size[gone]
            version[keep] += 1
            links[keep][gone] = nil
            for (other, cross) in links[gone] where other != keep {
                links[other][gone] = nil
                let merged = links[keep][other].map { $0.adding(cross) } ?? cross
                links[keep][other] = merged
                links[other][keep] = merged
            }
            links[gone] = [:]
            for (other, cross) in links[keep] where cross.count == size[keep] * size[other] {
                let (x, y) = keep < other ? (keep, other) : (other, keep)
                heap.push(MergeCandidate(distance: cross.longest, a: x, b: y, versionA: version[x], versionB: version[y]))
            }
        }
        // Root of every face, then labels numbered in order of each group's first face.
        var labels = [Int?](repeating: nil, count: n)
        var labelOfRoot = [Int: Int]()
        for i in 0..<n {
            var r = i
            while parent[r] != r { r = parent[r] }
            var c = i
            while parent[c] != r && c != r { let next = parent[c]; parent[c] = r; c = next }
            if let label = labelOfRoot[r] {
                labels[i] = label
            } else {
                labels[i] = labelOfRoot.count
                labelOfRoot[r] = labelOfRoot.count
            }
        }
        return labels
    }
}

/// The edges between two groups: how many, and the longest.
private struct CrossLinks {
    var count: Int
    var longest: Float

    func adding(_ other: CrossLinks) -> CrossLinks {
        CrossLinks(count: count + other.count, longest: max(longest, other.longest))
    }
}

/// A possible merge of groups `a < b` at `distance`, valid while both groups are unchanged.
private struct MergeCandidate {
    var distance: Float
    var a: Int
    var b: Int
    var versionA: Int
    var versionB: Int

    /// Closer first; ties by the lower group indices.
    func precedes(_ other: MergeCandidate) -> Bool {
        if distance != other.distance { return distance < other.distance }
        if a != other.a { return a < other.a }
        return b < other.b
    }
}

/// A binary min-heap of merge candidates.
private struct MergeHeap {
    private var items: [MergeCandidate] = []

    mutating func push(_ item: MergeCandidate) {
        items.append(item)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            guard items[i].precedes(items[p]) else { break }
            items.swapAt(i, p)
            i = p
        }
    }

    mutating func pop() -> MergeCandidate? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].precedes(items[m]) { m = l }
                if r < items.count && items[r].precedes(items[m]) { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return first
    }
}
