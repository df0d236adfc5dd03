/// Turns a tile of dot products into partial distances and offers those below a query's
/// threshold to its candidate list.
///
/// The partial distance of row r is `norms[r] + a · dots[r] + b`; the query's own squared norm
/// is left out (it is the same for every row). Eight rows are compared at once; the rare rows
/// that pass are checked against the deletions and offered one by one.
enum Selection {
    /// Partial distances from float dot products (a = −2; b = 0, or the int8 query's offset
    /// term) or from the int8 kernels' integer dot products (a = −2 / query scale).
    @inline(__always)
    static func select<Dot: ScanDot>(_ dots: UnsafePointer<Dot>, a: Float, b: Float, segment s: SegmentView,
                                     start: Int, count: Int, removed: Tombstones, into list: inout CandidateList) {
        let norms = s.norms + start
        var r = 0
        while r + 8 <= count {
            let v = Float.lanes(norms + r) + a * Dot.lanes(dots + r) + b
            if any(v .< list.threshold) { offerLanes(v, r, s, start, removed, &list) }
            r += 8
        }
        while r < count {
            let v = norms[r] + a * dots[r].floatValue + b
            if v < list.threshold { offer(v, start + r, s, removed, &list) }
            r += 1
        }
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

/// A dot product type the selection reads: Float (BLAS and float kernels) or Int32 (int8 kernels).
protocol ScanDot {
    /// Eight consecutive values as floats.
    static func lanes(_ p: UnsafePointer<Self>) -> SIMD8<Float>
    /// The value as a float.
    var floatValue: Float { get }
}

extension Float: ScanDot {
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inline(__always)
    var floatValue: Float { self }
}

extension Int32: ScanDot {
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Int32>) -> SIMD8<Float> {
        SIMD8<Float>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self))
    }

    @inline(__always)
    var floatValue: Float { Float(self) }
}
