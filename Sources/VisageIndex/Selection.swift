import CVisageKernels

/// Turns a tile of dot products into partial distances and offers those below a query's
/// threshold to its candidate list.
///
/// The partial distance of row r is `norms[r] + a · dots[r] + b`; the query's own squared norm
/// is left out (it is the same for every row). With AVX2 (`avx2`) a C scan finds the next row
/// below the list's current threshold, sixteen rows a step; otherwise eight rows are compared
/// at once in Swift. The rare rows that pass are checked against the deletions and offered one
/// by one.
enum Selection {
    /// Partial distances from float dot products (a = −2; b = 0, or the int8 query's offset
    /// term) or from the int8 kernels' integer dot products (a = −2 / query scale).
    @inline(__always)
    static func select<Dot: ScanDot>(_ dots: UnsafePointer<Dot>, a: Float, b: Float, segment s: SegmentView,
                                     start: Int, count: Int, removed: Tombstones, avx2: Bool,
                                     into list: inout CandidateList) {
        let norms = s.norms + start
        if avx2 {
            var r = 0
            var score: Float = 0
            while r < count {
                r += Dot.firstBelow(dots + r, norms: norms + r, count: count - r, a: a, b: b,
                                    threshold: list.threshold, score: &score)
                guard r < count else { return }
                offer(score, start + r, s, removed, &list)
                r += 1
            }
            return
        }
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

    /// Offers the rows the VNNI kernel marked (bit j of `masks[g]`: row 16 g + j was below the
    /// threshold the kernel was given). The list's threshold can only have dropped since, so
    /// every row below the current one is marked; each marked row is checked again.
    @inline(__always)
    static func selectMarked(_ dots: UnsafePointer<Int32>, masks: UnsafePointer<UInt16>, a: Float, b: Float,
                             segment s: SegmentView, start: Int, count: Int, removed: Tombstones,
                             into list: inout CandidateList) {
        let norms = s.norms + start, groups = (count + 15) / 16
        var g = 0
        while g < groups {
            if g + 4 <= groups && UnsafeRawPointer(masks + g).loadUnaligned(as: UInt64.self) == 0 {
                g += 4
                continue
            }
            var m = masks[g]
            while m != 0 {
                let r = 16 * g + m.trailingZeroBitCount
                m &= m - 1
                // The kernel's arithmetic: one fused multiply-add, then + b.
                let score = norms[r].addingProduct(a, Float(dots[r])) + b
                if score < list.threshold { offer(score, start + r, s, removed, &list) }
            }
            g += 1
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
    /// The AVX2 scan (`visage_first_below_*_avx2`): the offset of the first of `count` rows
    /// whose partial distance is below `threshold` (`count` if none), its distance in `score`.
    static func firstBelow(_ dots: UnsafePointer<Self>, norms: UnsafePointer<Float>, count: Int, a: Float, b: Float,
                           threshold: Float, score: inout Float) -> Int
}

extension Float: ScanDot {
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }

    @inline(__always)
    var floatValue: Float { self }

    @inline(__always)
    static func firstBelow(_ dots: UnsafePointer<Float>, norms: UnsafePointer<Float>, count: Int, a: Float, b: Float,
                           threshold: Float, score: inout Float) -> Int {
        Int(visage_first_below_float_avx2(dots, norms, Int32(count), a, b, threshold, &score))
    }
}

extension Int32: ScanDot {
    @inline(__always)
    static func lanes(_ p: UnsafePointer<Int32>) -> SIMD8<Float> {
        SIMD8<Float>(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int32>.self))
    }

    @inline(__always)
    var floatValue: Float { Float(self) }

    @inline(__always)
    static func firstBelow(_ dots: UnsafePointer<Int32>, norms: UnsafePointer<Float>, count: Int, a: Float, b: Float,
                           threshold: Float, score: inout Float) -> Int {
        Int(visage_first_below_int32_avx2(dots, norms, Int32(count), a, b, threshold, &score))
    }
}
