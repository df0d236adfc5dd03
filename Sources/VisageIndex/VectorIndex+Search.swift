/// Searching.
extension VectorIndex {
    /// The `k` nearest vectors (or labels) of each query, nearest first.
    ///
    /// Exact for float32 indexes (up to float rounding between near ties). Compact indexes scan
    /// their codes, keep `k × options.rerankFactor` candidates and return the best `k` of those
    /// by float32 distance. With `.labels` grouping a label counts once, at its closest vector's
    /// distance (for compact indexes: the vector the scan found closest).
    /// - Parameters:
    ///   - queries: `m × dimension` floats, row-major (one or many queries).
    ///   - k: results per query (1...``maximumK``); fewer when the index holds fewer vectors
    ///     (or labels).
    ///   - options: grouping and re-ranking.
    /// - Returns: one array of hits per query, by increasing distance (ties by id).
    /// - Throws: ``VectorIndexError`` for a ragged query array, non-finite queries, or `k` or
    ///   the re-rank factor outside 1...``maximumK``.
    public func search(_ queries: [Float], k: Int, options: SearchOptions = SearchOptions()) throws -> [[SearchHit]] {
        guard queries.count % dimension == 0 else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, elementCount: queries.count)
        }
        guard k >= 1, k <= Self.maximumK else { throw VectorIndexError.invalidK(k) }
        guard options.rerankFactor >= 1, options.rerankFactor <= Self.maximumK else {
            throw VectorIndexError.invalidK(options.rerankFactor)
        }
        if let bad = Self.firstNonFiniteRow(queries, dimension: dimension) { throw VectorIndexError.nonFiniteVector(index: bad) }
        let m = queries.count / dimension
        guard m > 0 else { return [] }
        guard count > 0 else { return [[SearchHit]](repeating: [], count: m) }

        let factor = precision.isCompact ? options.rerankFactor : 1
        // At most maximumK candidates are re-ranked (or k, when k asks for more).
        let keep = Swift.min(Swift.max(k, Swift.min(k * factor, Self.maximumK)), count)
        let prepared = PreparedQueries(queries, dimension: dimension, quantizer: precision == .int8 ? quantizer : nil)
        let segments = views
        let lists = Scanner(segments: segments, removed: removed, precision: precision, queries: prepared)
            .run(capacity: keep, distinctLabels: options.grouping == .labels)
        return queries.withUnsafeBufferPointer { qv in
            (0..<m).map { qi in rerank(lists[qi], query: qv.baseAddress! + qi * dimension, k: k, segments: segments) }
        }
    }

    /// The `k` nearest vectors (or labels) of one query, nearest first.
    /// - Parameters:
    ///   - query: `dimension` floats.
    ///   - k: the number of results.
    ///   - options: grouping and re-ranking.
    /// - Throws: as ``search(_:k:options:)``, and ``VectorIndexError/dimensionMismatch(expected:elementCount:)``
    ///   unless `query` holds exactly one vector.
    public func nearest(to query: [Float], k: Int, options: SearchOptions = SearchOptions()) throws -> [SearchHit] {
        guard query.count == dimension else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, elementCount: query.count)
        }
        return try search(query, k: k, options: options)[0]
    }

    /// Exact float32 distances of a query's candidates; the best `k`.
    private func rerank(_ list: CandidateList, query: UnsafePointer<Float>, k: Int, segments: [SegmentView]) -> [SearchHit] {
        var hits: [SearchHit] = []
        hits.reserveCapacity(list.count)
        for i in 0..<list.count {
            let row = list.rows[i]
            guard let v = segments.last(where: { $0.firstRow <= row }) else { continue }
            let local = row - v.firstRow
            let x = v.vectors + local * dimension
            var sum: Float = 0
            for j in 0..<dimension {
                let t = query[j] - x[j]
                sum += t * t
            }
            hits.append(SearchHit(id: v.ids[local], label: v.labels[local], distance: sum.squareRoot()))
        }
        hits.sort { ($0.distance, $0.id) < ($1.distance, $1.id) }
        return Array(hits.prefix(k))
    }
}
