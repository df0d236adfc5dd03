// Layout: one H × W plane in, one Ho × Wo plane out (row-major).

/// How a pooling window reduces: its starting value, the combination of two values (or eight
/// lanes at once), and the output made from the reduction.
protocol WindowReduction {
    /// The value of an empty combination.
    static var identity: Float { get }
    /// Whether the output of a non-empty window is its reduction itself (eight such outputs are
    /// then stored at once).
    static var outputIsReduction: Bool { get }
    /// Two values combined.
    static func combine(_ a: Float, _ b: Float) -> Float
    /// Eight pairs combined lane by lane.
    static func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float>
    /// The output of a window from its reduction and its number of in-image values (0 when the
    /// window lies wholly in the padding).
    func output(_ reduction: Float, count: Int) -> Float
    /// ``output(_:count:)`` of eight windows at once, `counts` their in-image counts.
    func output(_ reduction: SIMD8<Float>, counts: SIMD8<Float>) -> SIMD8<Float>
}

/// The largest value of a window; 0 for a window wholly in the padding.
struct MaxReduction: WindowReduction {
    static var identity: Float { -.infinity }
    static var outputIsReduction: Bool { true }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
    // A compare and a blend (pointwiseMax compiles to one comparison per lane here).
    @inline(__always) static func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }
    @inline(__always) func output(_ reduction: Float, count: Int) -> Float { count > 0 ? reduction : 0 }
    @inline(__always) func output(_ reduction: SIMD8<Float>, counts: SIMD8<Float>) -> SIMD8<Float> {
        reduction.replacing(with: 0, where: counts .== 0)
    }
}

/// The mean of a window: its sum divided by the in-image count, or by the whole window
/// (`divisor`) when padding counts; 0 for a window wholly in the padding.
struct AverageReduction: WindowReduction {
    /// KH · KW when padding counts, else `nil`.
    let divisor: Int?
    static var identity: Float { 0 }
    static var outputIsReduction: Bool { false }
    @inline(__always) static func combine(_ a: Float, _ b: Float) -> Float { a + b }
    @inline(__always) static func combine(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a + b }
    @inline(__always) func output(_ reduction: Float, count: Int) -> Float {
        count > 0 ? reduction / Float(divisor ?? count) : 0
    }
    @inline(__always) func output(_ reduction: SIMD8<Float>, counts: SIMD8<Float>) -> SIMD8<Float> {
        let quotient = divisor.map { reduction / Float($0) } ?? reduction / counts
        return quotient.replacing(with: 0, where: counts .== 0)
    }
}

/// One plane's pooling windows, clipped to the image: each output is made by the reduction
/// (``WindowReduction/output(_:count:)``) from its window's in-image values.
///
/// Outputs whose windows lie wholly inside the image horizontally are computed eight at a time
/// for strides 1 and 2 (stride 2 reads 16 consecutive values and keeps the even lanes); the
/// others, and other strides, one at a time. Narrow planes (``padsRows``: the inception blocks'
/// 12 × 12 down to 3 × 3) have few such outputs, so there every row is first copied between
/// columns of the reduction's identity (``runPadded(_:_:_:line:columnCounts:)``) and all outputs go eight at
/// a time.
struct PoolWindows {
    let h: Int, w: Int, ho: Int, wo: Int
    let kh: Int, kw: Int, sy: Int, sx: Int
    let padTop: Int, padLeft: Int

    /// The first output column whose window starts inside the image, and the end of the run
    /// of columns that can be computed eight at a time (reads stay inside each row).
    private var vectorColumns: Range<Int> {
        guard sx == 1 || sx == 2 else { return 0..<0 }
        let lo = Swift.min((padLeft + sx - 1) / sx, wo)
        // Lane 7 of a group starting at ox reads up to x0 + 7·sx + kw − 1, and the stride-2 load
        // one value further: x0 + 8·sx + kw − 2 < w for stride 2, x0 + 7 + kw ≤ w for stride 1.
        let reach = sx == 1 ? 7 + kw : 8 * sx + kw - 1
        var hi = lo
        while hi + 8 <= wo && hi * sx - padLeft + reach <= w { hi += 8 }
        return lo..<Swift.max(lo, hi)
    }

    /// Output rows at most this wide take ``runPadded(_:_:_:line:columnCounts:)``.
    static let paddedWidth = 32

    /// Whether this plane takes ``runPadded(_:_:_:line:columnCounts:)``.
    var padsRows: Bool { wo <= Self.paddedWidth }

    /// The first output column of the last group of eight.
    private var lastGroup: Int { (wo - 1) / 8 * 8 }

    /// Floats of the padded plane ``runPadded(_:_:_:line:columnCounts:)`` needs: `h` rows of
    /// ``paddedPitch``.
    var paddedCount: Int { h * paddedPitch }

    /// A padded row: `padLeft` identities, the row, then identities up to the furthest read of
    /// the last group of eight (stride 2 reads sixteen values per tap).
    var paddedPitch: Int { Swift.max(padLeft + w, (lastGroup + 8) * sx + kw + 8) }

    /// Per group of eight output columns, how many columns of each window lie in the image (the
    /// `columnCounts` of ``runPadded(_:_:_:line:columnCounts:)``).
    var columnCounts: [SIMD8<Float>] {
        stride(from: 0, to: wo, by: 8).map { ox in
            var counts = SIMD8<Float>()
            for j in 0..<8 {
                let x0 = (ox + j) * sx - padLeft
                counts[j] = Float(Swift.max(0, Swift.min(x0 + kw, w) - Swift.max(x0, 0)))
            }
            return counts
        }
    }

    /// Pools the plane at `src` into `dst` with `reduction`, eight outputs at a time throughout:
    /// the plane's rows are first copied into `line` (``paddedCount`` floats) between the
    /// reduction's identities, so a window's out-of-image columns combine the identity (the sums
    /// and maxima are those of the in-image values, in the same order). Outputs whose windows lie
    /// wholly in the padding are 0.
    @inline(__always)
    func runPadded<R: WindowReduction>(_ reduction: R, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                                       line: UnsafeMutablePointer<Float>, columnCounts: [SIMD8<Float>]) {
        let pitch = paddedPitch
        for y in 0..<h {
            let row = line + y * pitch
            row.update(repeating: R.identity, count: padLeft)
            (row + padLeft).update(from: src + y * w, count: w)
            (row + padLeft + w).update(repeating: R.identity, count: pitch - padLeft - w)
        }
        for oy in 0..<ho {
            let y0 = oy * sy - padTop
            let ya = Swift.max(y0, 0), yb = Swift.min(y0 + kh, h)
            let rows = Swift.max(0, yb - ya)
            let out = dst + oy * wo
            var ox = 0
            while ox < wo {
                var acc = SIMD8<Float>(repeating: R.identity)
                for yy in ya..<Swift.max(ya, yb) {
                    let row = line + yy * pitch + ox * sx
                    for kx in 0..<kw { acc = R.combine(acc, lanes(row + kx)) }
                }
                let values = reduction.output(acc, counts: Float(rows) * columnCounts[ox / 8])
                if ox + 8 <= wo {
                    UnsafeMutableRawPointer(out + ox).storeBytes(of: values, as: SIMD8<Float>.self)
                } else {
                    for j in 0..<(wo - ox) { out[ox + j] = values[j] }
                }
                ox += 8
            }
        }
    }

    /// Pools the plane at `src` into `dst` with `reduction`.
    @inline(__always)
    func run<R: WindowReduction>(_ reduction: R, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        let vector = vectorColumns
        for oy in 0..<ho {
            let y0 = oy * sy - padTop
            let ya = Swift.max(y0, 0), yb = Swift.min(y0 + kh, h)
            let out = dst + oy * wo
            var ox = vector.lowerBound
            while ox < vector.upperBound {
                let x0 = ox * sx - padLeft
                var acc = SIMD8<Float>(repeating: R.identity)
                for yy in ya..<yb {
                    let row = src + yy * w + x0
                    for kx in 0..<kw { acc = R.combine(acc, lanes(row + kx)) }
                }
                let count = Swift.max(0, yb - ya) * kw
                if count > 0 && R.outputIsReduction {
                    UnsafeMutableRawPointer(out + ox).storeBytes(of: acc, as: SIMD8<Float>.self)
                } else {
                    for j in 0..<8 { out[ox + j] = reduction.output(acc[j], count: count) }
                }
                ox += 8
            }
            for ox in 0..<vector.lowerBound { out[ox] = single(reduction, src, ox: ox, ya: ya, yb: yb) }
            for ox in vector.upperBound..<wo { out[ox] = single(reduction, src, ox: ox, ya: ya, yb: yb) }
        }
    }

    /// The values at `p`, `p + sx`, …, `p + 7·sx`: one load for stride 1, a sixteen-value load
    /// keeping the even lanes for stride 2, eight loads otherwise.
    @inline(__always)
    private func lanes(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        switch sx {
        case 1: return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        case 2: return UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self).evenHalf
        default: return SIMD8(p[0], p[sx], p[2 * sx], p[3 * sx], p[4 * sx], p[5 * sx], p[6 * sx], p[7 * sx])
        }
    }

    /// The output at column `ox` of a row whose window rows are ya ..< yb, one value at a time.
    @inline(__always)
    private func single<R: WindowReduction>(_ reduction: R, _ src: UnsafePointer<Float>, ox: Int, ya: Int, yb: Int) -> Float {
        let x0 = ox * sx - padLeft
        let xa = Swift.max(x0, 0), xb = Swift.min(x0 + kw, w)
        var m = R.identity
        for yy in ya..<yb { for xx in xa..<xb { m = R.combine(m, src[yy * w + xx]) } }
        return reduction.output(m, count: Swift.max(0, yb - ya) * Swift.max(0, xb - xa))
    }
}
