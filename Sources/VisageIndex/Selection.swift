/// Turns a tile of dot products into partial distances and offers those below a query's
/// threshold to its candidate list.
///
/// The partial distance of row r is `norms[r] + a · dots[r] + b`; the query's own squared norm
/// is left out (it is the same for every row). Eight rows are compared at once; the rare rows
/// that pass are checked against the deletions and offered one by one.
enum Selection {
    /// Float dot products (float32 and float16 scans: a = −2, b = 0).
    @inline(__always)
    static func select(_ dots: UnsafePointer<Float>, a: Float, b: Float, segment s: SegmentView,
                       start: Int, count: Int, removed: Tombstones, into list: inout CandidateList) {
        let norms = s.norms + start
        var r = 0
        while r + 8 <= count {
            let v = load(norms + r) + a * load(dots + r) + b
            if any(v .< list.threshold) { offerLanes(v, r, s, start, removed, &list) }
            r += 8
        }
        while r < count {
            let v = norms[r] + a * dots[r] + b
            if v < list.threshold { offer(v, start + r, s, removed, &list) }
            r += 1
        }
    }

    /// Integer dot products (int8 scans: a = −2 / query scale, b = −2 · query offset term).
    @inline(__always)
    static func select(_ dots: UnsafePointer<Int32>, a: Float, b: Float, segment s: SegmentView,
                       start: Int, count: Int, removed: Tombstones, into list: inout CandidateList) {
        let norms = s.norms + start
        var r = 0
        while r + 8 <= count {
            let d = UnsafeRawPointer(dots + r).loadUnaligned(as: SIMD8<Int32>.self)
            let v = load(norms + r) + a * SIMD8<Float>(d) + b
            if any(v .< list.threshold) { offerLanes(v, r, s, start, removed, &list) }
            r += 8
        }
        while r < count {
            let v = norms[r] + a * Float(dots[r]) + b
            if v < list.threshold { offer(v, start + r, s, removed, &list) }
            r += 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(never)
    private static func offerLanes(_ v: SIMD8<Float>, _ r: Int, _ s: SegmentView, _ start: Int,
                                   _ removed: Tombstones, _ list: inout CandidateList) {
        for j in 0..<8 where v[j] < list.threshold { offer(v[j], start + r + j, s, removed, &list) }
    }

    @inline(__always)
    private static func offer(_ score: Float, _ local: Int, _ s: SegmentView, _ removed: Tombstones,
                              _ list: inout CandidateList) {
        let row = s.firstRow + local
        if removed.count > 0 && removed.contains(row) { return }
        list.offer(score: score, row: row, label: s.labels[local])
    }
}
