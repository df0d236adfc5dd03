/// Vectorised Float reductions (eight lanes, then a lane sum): Swift does not reassociate
/// Float additions, so a plain loop would add one element at a time.
enum Reduce {
    /// Σ p[i] for i < n.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// Σ (x − shift) and Σ (x − shift)² in one pass (eight lanes): a variance from one read of
    /// the data, accurate when `shift` is near the mean (batch norm passes a sample of the data).
    @inline(__always)
    static func shiftedMoments(_ p: UnsafePointer<Float>, _ n: Int, shift: Float) -> (sum: Float, squares: Float) {
        var a = SIMD8<Float>(repeating: 0), b = a
        let m = SIMD8<Float>(repeating: shift)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - m
            a += d
            b += d * d
            i += 8
        }
        var (sa, sb) = (a.sum(), b.sum())
        while i < n { let d = p[i] - shift; sa += d; sb += d * d; i += 1 }
        return (sa, sb)
    }

    /// Σ a[i] · (b[i] − shift) for i < n.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int, shift: Float = 0) -> Float {
        var acc = SIMD8<Float>(repeating: 0)
        let m = SIMD8<Float>(repeating: shift)
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 8 <= n {
            acc += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                * (rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) - m)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += a[i] * (b[i] - shift); i += 1 }
        return s
    }
}
