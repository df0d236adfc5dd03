/// How the distance between a query and a person with several face samples is defined.
public enum MatchStrategy: Sendable {
    /// The distance to the person's nearest sample (the default: robust to pose and lighting spread).
    case minimumDistance
    /// The distance to the mean of the person's samples.
    case centroid
}

/// One person's distance to a query.
public struct PersonMatch: Hashable, Sendable {
    /// The person's row id.
    public var personID: Int64
    /// The person's name.
    public var name: String
    /// Euclidean distance under the chosen ``MatchStrategy``.
    public var distance: Float
    /// The nearest sample (``MatchStrategy/minimumDistance``), or `nil` for ``MatchStrategy/centroid``.
    public var faceID: FaceID?
}

extension GalleryEmbeddings {
    /// Ranks every person by Euclidean distance to `query`, nearest first (exact, brute force).
    ///
    /// Meant for small galleries and as the reference for faster indexes.
    /// - Parameters:
    ///   - query: A vector of ``dimension`` values.
    ///   - strategy: Nearest sample (default) or centroid.
    /// - Returns: One match per person; empty when `query` has the wrong size.
    public func rankPeople(query: [Float], strategy: MatchStrategy = .minimumDistance) -> [PersonMatch] {
        guard query.count == dimension, dimension > 0 else { return [] }
        var slotOf: [Int64: Int] = [:]
        var matches: [PersonMatch] = []
        var sums: [Float] = []      // centroid: one row of sums per person
        var counts: [Int] = []
        matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                for i in 0..<count {
                    let base = i * dimension
                    let slot: Int
                    if let existing = slotOf[personIDs[i]] {
                        slot = existing
                    } else {
                        slot = matches.count
                        slotOf[personIDs[i]] = slot
                        matches.append(PersonMatch(personID: personIDs[i], name: names[i], distance: .infinity, faceID: nil))
                        if strategy == .centroid {
                            sums.append(contentsOf: repeatElement(0, count: dimension))
                            counts.append(0)
                        }
                    }
                    switch strategy {
                    case .minimumDistance:
                        var total: Float = 0
                        for j in 0..<dimension { let d = m[base + j] - q[j]; total += d * d }
                        let distance = total.squareRoot()
                        if distance < matches[slot].distance {
                            matches[slot].distance = distance
                            matches[slot].faceID = ids[i]
                        }
                    case .centroid:
                        counts[slot] += 1
                        for j in 0..<dimension { sums[slot * dimension + j] += m[base + j] }
                    }
                }
            }
        }
        if strategy == .centroid {
            for slot in matches.indices {
                var total: Float = 0
                let n = Float(counts[slot])
                for j in 0..<dimension { let d = sums[slot * dimension + j] / n - query[j]; total += d * d }
                matches[slot].distance = total.squareRoot()
            }
        }
        return matches.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
    }
}
