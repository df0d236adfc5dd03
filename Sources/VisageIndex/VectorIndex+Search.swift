import CVisageKernels
import VisageNN

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
        let avx2 = options.kernels.allowsAVX2
        let prepared = PreparedQueries(queries, dimension: dimension, quantizer: precision == .int8 ? quantizer : nil,
                                       byteWeights: avx2)
        let segments = views
        let lists = Scanner(segments: segments, removed: removed, precision: precision, queries: prepared, avx2: avx2,
                               vnni: options.kernels.allowsVNNI)
            .run(capacity: keep, distinctLabels: options.grouping == .labels)
        // Compact indexes re-rank with float32 rows that a mapped file keeps on disk: ask for
        // the missing ones all at once, so that the reads overlap.
        if precision.isCompact, let m = mapped, m.view.count > 0 {
            Self.prefetchRows(of: lists, rows: m.view.count, vectors: m.view.vectors, dimension: dimension)
        }
        var results = [[SearchHit]](repeating: [], count: m)
        queries.withUnsafeBufferPointer { qv in
            results.withUnsafeMutableBufferPointer { out in
                Backend.parallelFor(m, elements: m * keep * dimension) { qi in
                    out[qi] = rerank(lists[qi], query: qv.baseAddress! + qi * dimension, k: k, segments: segments)
                }
            }
        }
        return results
    }

    /// Starts reading the pages of the candidates' float32 rows among the first `rows` rows
    /// (the mapped segment) that are not resident (`mincore`, then `MADV_WILLNEED` per page).
    private static func prefetchRows(of lists: [CandidateList], rows: Int, vectors: UnsafePointer<Float>, dimension: Int) {
        let page = Posix.pageSize, bytes = dimension * MemoryLayout<Float>.stride
        let base = Int(bitPattern: vectors) / page * page
        var pages: [Int] = []  // page numbers from `base`
        for list in lists {
            for i in 0..<list.count where list.entries[i].row < rows {
                let start = Int(bitPattern: vectors + list.entries[i].row * dimension) - base
                pages.append(contentsOf: (start / page)...((start + bytes - 1) / page))
            }
        }
        guard let first = pages.min(), let last = pages.max() else { return }
        let resident = Posix.residentPages(UnsafeRawPointer(bitPattern: base + first * page)!, pages: last - first + 1)
        pages.sort()
        var previous = -1
        for p in pages where p != previous {
            previous = p
            if resident.isEmpty || resident[p - first] & 1 == 0 {
                Posix.willNeed(UnsafeRawPointer(bitPattern: base + p * page)!, length: page)
            }
        }
    }

    /// Exact float32 distances of a query's candidates; the best `k`.
    private func rerank(_ list: CandidateList, query: UnsafePointer<Float>, k: Int, segments: [SegmentView]) -> [SearchHit] {
        var hits: [SearchHit] = []
        hits.reserveCapacity(list.count)
        let d = dimension, d8 = dimension & ~7
        // The candidates are scattered rows: request all their cache lines first, so that the
        // misses overlap instead of coming one row at a time.
        var located: [(segment: SegmentView, local: Int)] = []
        located.reserveCapacity(list.count)
        for i in 0..<list.count {
            let row = list.entries[i].row
            guard let v = segments.last(where: { $0.firstRow <= row }) else { continue }
            let local = row - v.firstRow
            let x = UnsafeRawPointer(v.vectors + local * d)
            let bytes = d * MemoryLayout<Float>.stride
            for offset in stride(from: 0, to: bytes, by: 64) { visage_prefetch(x + offset) }
            visage_prefetch(x + bytes - 1)
            visage_prefetch(v.ids + local)
            visage_prefetch(v.labels + local)
            located.append((v, local))
        }
        for (v, local) in located {
            let x = v.vectors + local * d
            var acc = SIMD8<Float>()
            var j = 0
            while j < d8 {
                let t = UnsafeRawPointer(query + j).loadUnaligned(as: SIMD8<Float>.self)
                    - UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<Float>.self)
                acc += t * t
                j += 8
            }
            var sum = acc.sum()
            while j < d {
                let t = query[j] - x[j]
                sum += t * t
                j += 1
            }
            hits.append(SearchHit(id: v.ids[local], label: v.labels[local], distance: sum.squareRoot()))
        }
        hits.sort { ($0.distance, $0.id) < ($1.distance, $1.id) }
        return Array(hits.prefix(k))
    }
}
