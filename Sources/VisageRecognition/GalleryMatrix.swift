import VisageNN
import VisageStore

/// Every gallery embedding as one row-major matrix with its row norms and owners, ranked
/// against a batch of queries with one matrix product: ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r.
struct GalleryMatrix: Sendable {
    let dimension: Int
    private(set) var rows: [Float] = []
    private(set) var rowNorms: [Float] = []
    private(set) var rowSlot: [Int32] = []
    private(set) var faceIDs: [FaceID] = []
    /// People in first-seen order: their ids and names.
    private(set) var personIDs: [Int64] = []
    private(set) var names: [String] = []
    private var slotOfPerson: [Int64: Int] = [:]
    private var centroids: [Float]?

    /// Queries per matrix product (bounds the scratch matrix to `chunk × rows`).
    static let chunk = 64

    init(_ embeddings: GalleryEmbeddings) {
        dimension = embeddings.dimension
        rows.reserveCapacity(embeddings.matrix.count)
        for i in 0..<embeddings.count {
            append(embeddings.row(i), faceID: embeddings.ids[i], personID: embeddings.personIDs[i],
                   name: embeddings.names[i])
        }
    }

    var faceCount: Int { faceIDs.count }
    var personCount: Int { personIDs.count }

    /// The person slot of a name, if present.
    func slot(named name: String) -> Int? { names.firstIndex(of: name) }

    /// Adds one row.
    mutating func append<C: Collection>(_ vector: C, faceID: FaceID, personID: Int64, name: String) where C.Element == Float {
        let slot: Int
        if let existing = slotOfPerson[personID] {
            slot = existing
        } else {
            slot = personIDs.count
            slotOfPerson[personID] = slot
            personIDs.append(personID)
            names.append(name)
        }
        var norm: Float = 0
        for v in vector { norm += v * v }
        rows.append(contentsOf: vector)
        rowNorms.append(norm)
        rowSlot.append(Int32(slot))
        faceIDs.append(faceID)
        centroids = nil
    }

    /// The per-person centroids (mean of each person's rows), computed once per change.
    private mutating func centroidMatrix() -> [Float] {
        if let centroids { return centroids }
        var sums = [Float](repeating: 0, count: personCount * dimension)
        var counts = [Float](repeating: 0, count: personCount)
        for r in 0..<faceCount {
            let s = Int(rowSlot[r])
            counts[s] += 1
            for j in 0..<dimension { sums[s * dimension + j] += rows[r * dimension + j] }
        }
        for s in 0..<personCount where counts[s] > 0 {
            for j in 0..<dimension { sums[s * dimension + j] /= counts[s] }
        }
        centroids = sums
        return sums
    }

    /// For each query, the `k` nearest people (nearest first) under `strategy`, with exact
    /// Euclidean distances. Queries must have ``dimension`` values each.
    mutating func rank(_ queries: [[Float]], k: Int, strategy: MatchStrategy) -> [[PersonDistance]] {
        guard personCount > 0, k > 0 else { return queries.map { _ in [] } }
        let targets: [Float], targetNorms: [Float], targetCount: Int
        switch strategy {
        case .minimumDistance:
            targets = rows; targetNorms = rowNorms; targetCount = faceCount
        case .centroid:
            targets = centroidMatrix(); targetCount = personCount
            targetNorms = (0..<personCount).map { s in
                var n: Float = 0
                for j in 0..<dimension { n += targets[s * dimension + j] * targets[s * dimension + j] }
                return n
            }
        }
        var results: [[PersonDistance]] = []
        results.reserveCapacity(queries.count)
        var start = 0
        while start < queries.count {
            let batch = Array(queries[start..<min(start + Self.chunk, queries.count)])
            results += rankChunk(batch, k: k, strategy: strategy, targets: targets, norms: targetNorms, count: targetCount)
            start += Self.chunk
        }
        return results
    }

    private func rankChunk(_ queries: [[Float]], k: Int, strategy: MatchStrategy, targets: [Float],
                           norms: [Float], count: Int) -> [[PersonDistance]] {
        let m = queries.count, d = dimension
        let flat = queries.flatMap { $0 }
        var products = [Float](repeating: 0, count: m * count)
        flat.withUnsafeBufferPointer { q in
            targets.withUnsafeBufferPointer { t in
                products.withUnsafeMutableBufferPointer { c in
                    Gemm.sgemm(transB: true, m: m, n: count, k: d, a: q.baseAddress!, lda: d,
                               b: t.baseAddress!, ldb: d, c: c.baseAddress!, ldc: count)
                }
            }
        }
        var best = [Float](repeating: .infinity, count: personCount)
        var bestRow = [Int](repeating: -1, count: personCount)
        return (0..<m).map { qi in
            var qNorm: Float = 0
            for v in queries[qi] { qNorm += v * v }
            for s in 0..<personCount { best[s] = .infinity; bestRow[s] = -1 }
            products.withUnsafeBufferPointer { c in
                let base = qi * count
                for r in 0..<count {
                    let squared = qNorm + norms[r] - 2 * c[base + r]
                    let s = strategy == .centroid ? r : Int(rowSlot[r])
                    if squared < best[s] { best[s] = squared; bestRow[s] = r }
                }
            }
            let top = Self.smallest(best, k: min(k, personCount))
            return top.map { s in
                let r = bestRow[s]
                let distance = exactDistance(queries[qi], targets, row: r)
                return PersonDistance(personID: personIDs[s], name: names[s], distance: distance,
                                   faceID: strategy == .minimumDistance ? faceIDs[r] : nil)
            }.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
        }
    }

    /// The distance from a query to one person under `strategy`, or `nil` when the slot has no rows.
    mutating func distance(_ query: [Float], toSlot slot: Int, strategy: MatchStrategy) -> PersonDistance? {
        switch strategy {
        case .minimumDistance:
            var best: (Float, Int)?
            for r in 0..<faceCount where Int(rowSlot[r]) == slot {
                let distance = exactDistance(query, rows, row: r)
                if best == nil || distance < best!.0 { best = (distance, r) }
            }
            return best.map { PersonDistance(personID: personIDs[slot], name: names[slot], distance: $0.0, faceID: faceIDs[$0.1]) }
        case .centroid:
            let c = centroidMatrix()
            return PersonDistance(personID: personIDs[slot], name: names[slot],
                               distance: exactDistance(query, c, row: slot), faceID: nil)
        }
    }

    private func exactDistance(_ query: [Float], _ matrix: [Float], row: Int) -> Float {
        var sum: Float = 0
        matrix.withUnsafeBufferPointer { t in
            let base = row * dimension
            for j in 0..<dimension { let diff = query[j] - t[base + j]; sum += diff * diff }
        }
        return sum.squareRoot()
    }

    /// Indices of the `k` smallest values, in no particular order (one pass, small buffer).
    private static func smallest(_ values: [Float], k: Int) -> [Int] {
        var kept: [(Float, Int)] = []
        kept.reserveCapacity(k + 1)
        for (i, v) in values.enumerated() where v.isFinite {
            if kept.count < k {
                kept.append((v, i))
                if kept.count == k { kept.sort { $0.0 > $1.0 } }
            } else if v < kept[0].0 {
                kept[0] = (v, i)
                var j = 0
                while j + 1 < k && kept[j].0 < kept[j + 1].0 { kept.swapAt(j, j + 1); j += 1 }
            }
        }
        return kept.map(\.1)
    }
}
