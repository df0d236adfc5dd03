/// Two items of a labelled set, by index, `first < second`.
public struct IndexPair: Hashable, Sendable, Comparable {
    /// The smaller index.
    public let first: Int
    /// The larger index.
    public let second: Int

    /// Creates a pair; the indices are put in order.
    public init(_ a: Int, _ b: Int) {
        (first, second) = a < b ? (a, b) : (b, a)
    }

    /// Lexicographic order.
    public static func < (lhs: IndexPair, rhs: IndexPair) -> Bool {
        (lhs.first, lhs.second) < (rhs.first, rhs.second)
    }
}

/// The genuine (same label) and impostor (different labels) pairs of a labelled set of items,
/// all of them or a seeded uniform sample when there are more than a limit.
///
/// Each kind is sampled uniformly without replacement and independently: genuine pairs by
/// drawing distinct ranks among all genuine pairs, impostor pairs by drawing random pairs of
/// items and keeping those with different labels (or, when the limit is at least a quarter of
/// all impostor pairs, by listing them all and drawing a subset). Results are sorted.
public struct PairSampler: Sendable {
    /// The label of each item (e.g. a person index per image).
    public let labels: [Int]

    /// Creates a sampler over labelled items.
    public init(labels: [Int]) { self.labels = labels }

    /// How many same-label pairs exist.
    public var genuineCount: Int { classSizes.values.reduce(0) { $0 + $1 * ($1 - 1) / 2 } }

    /// How many different-label pairs exist.
    public var impostorCount: Int { labels.count * (labels.count - 1) / 2 - genuineCount }

    private var classSizes: [Int: Int] { labels.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    /// The genuine pairs: all when there are at most `limit`, else `limit` drawn uniformly.
    /// - Parameters:
    ///   - limit: the most pairs to return (`nil` = all).
    ///   - seed: the sampling seed.
    public func genuinePairs(limit: Int? = nil, seed: UInt64 = 1) -> [IndexPair] {
        let groups = Dictionary(grouping: labels.indices, by: { labels[$0] }).values
            .map { $0.sorted() }.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
        let total = genuineCount
        guard let limit, limit < total else {
            return groups.flatMap { g in g.indices.flatMap { a in (a + 1..<g.count).map { IndexPair(g[a], g[$0]) } } }.sorted()
        }
        // Floyd's algorithm: `limit` distinct ranks in 0..<total, each mapped to its pair.
        var generator = SeededGenerator(seed: seed)
        var ranks = Set<Int>()
        for j in (total - max(limit, 0))..<total {
            let r = Int(generator.uniform(below: UInt64(j + 1)))
            if !ranks.insert(r).inserted { ranks.insert(j) }
        }
        var starts: [Int] = [], running = 0
        for g in groups { starts.append(running); running += g.count * (g.count - 1) / 2 }
        return ranks.map { rank -> IndexPair in
            let group = (starts.lastIndex { $0 <= rank })!
            var r = rank - starts[group], a = 0
            let g = groups[group]
            while r >= g.count - 1 - a { r -= g.count - 1 - a; a += 1 }
            return IndexPair(g[a], g[a + 1 + r])
        }.sorted()
    }

    /// The impostor pairs: all when there are at most `limit`, else `limit` drawn uniformly.
    /// - Parameters:
    ///   - limit: the most pairs to return (`nil` = all).
    ///   - seed: the sampling seed.
    public func impostorPairs(limit: Int? = nil, seed: UInt64 = 2) -> [IndexPair] {
        let total = impostorCount, n = labels.count
        guard let limit, limit < total else { return allImpostors() }
        var generator = SeededGenerator(seed: seed)
        if limit * 4 >= total {
            var all = allImpostors()
            for i in 0..<max(limit, 0) {
                all.swapAt(i, i + Int(generator.uniform(below: UInt64(all.count - i))))
            }
            return all.prefix(max(limit, 0)).sorted()
        }
        var chosen = Set<IndexPair>()
        while chosen.count < limit {
            let a = Int(generator.uniform(below: UInt64(n))), b = Int(generator.uniform(below: UInt64(n)))
            if labels[a] != labels[b] { chosen.insert(IndexPair(a, b)) }
        }
        return chosen.sorted()
    }

    private func allImpostors() -> [IndexPair] {
        var result: [IndexPair] = []
        result.reserveCapacity(impostorCount)
        for a in labels.indices {
            for b in (a + 1)..<labels.count where labels[a] != labels[b] { result.append(IndexPair(a, b)) }
        }
        return result
    }
}
