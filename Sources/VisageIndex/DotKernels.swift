/// Dot products of a few queries with a tile of rows, written with `SIMD` types so that the
/// compiler emits vector code for the baseline x86-64 (SSE2) and arm64 targets: the portable
/// kernels (the AVX2 ones are in C, `CVisageKernels`, and called by ``Scanner``).
///
/// Layout: rows and queries are row-major with `dimension` components; the product of query q
/// and row r goes to `out[q × ldo + r]`.
enum DotKernels {
    /// Float32 rows against float32 queries.
    static func float32(rows x: UnsafePointer<Float>, count: Int, queries q: UnsafePointer<Float>,
                        queryCount: Int, dimension d: Int, out: UnsafeMutablePointer<Float>, ldo: Int) {
        let d8 = d & ~7
        var r = 0
        while r + 4 <= count {
            let x0 = x + r * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
            for qi in 0..<queryCount {
                let qp = q + qi * d
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                var j = 0
                while j < d8 {
                    let qv = load(qp + j)
                    a0 += load(x0 + j) * qv
                    a1 += load(x1 + j) * qv
                    a2 += load(x2 + j) * qv
                    a3 += load(x3 + j) * qv
                    j += 8
                }
                var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
                while j < d {
                    s0 += x0[j] * qp[j]; s1 += x1[j] * qp[j]; s2 += x2[j] * qp[j]; s3 += x3[j] * qp[j]
                    j += 1
                }
                let o = out + qi * ldo + r
                o[0] = s0; o[1] = s1; o[2] = s2; o[3] = s3
            }
            r += 4
        }
        while r < count {
            let x0 = x + r * d
            for qi in 0..<queryCount {
                let qp = q + qi * d
                var a0 = SIMD8<Float>()
                var j = 0
                while j < d8 { a0 += load(x0 + j) * load(qp + j); j += 8 }
                var s0 = a0.sum()
                while j < d { s0 += x0[j] * qp[j]; j += 1 }
                out[qi * ldo + r] = s0
            }
            r += 1
        }
    }

    /// One-byte codes against 16-bit quantised queries, exact in Int32 for
    /// `dimension × 255 × max|query| < 2³¹`.
    ///
    /// Eight components at a time: the codes are widened to Int16 and multiplied pairwise with
    /// the query, adjacent products summed into Int32 lanes (the shape of SSE2's `pmaddwd`,
    /// which the compiler emits for ``madd(_:_:)``). Two rows by four queries share each load.
    static func int8(codes x: UnsafePointer<UInt8>, count: Int, queries q: UnsafePointer<Int16>,
                     queryCount: Int, dimension d: Int, out: UnsafeMutablePointer<Int32>, ldo: Int) {
        let d8 = d & ~7
        var r = 0
        while r + 2 <= count {
            let x0 = x + r * d, x1 = x0 + d
            var qi = 0
            while qi + 4 <= queryCount {
                let q0 = q + qi * d, q1 = q0 + d, q2 = q1 + d, q3 = q2 + d
                var a00 = SIMD4<Int32>(), a01 = SIMD4<Int32>(), a10 = SIMD4<Int32>(), a11 = SIMD4<Int32>()
                var a20 = SIMD4<Int32>(), a21 = SIMD4<Int32>(), a30 = SIMD4<Int32>(), a31 = SIMD4<Int32>()
                var j = 0
                while j < d8 {
                    let v0 = widen(x0 + j), v1 = widen(x1 + j)
                    let w0 = load(q0 + j), w1 = load(q1 + j), w2 = load(q2 + j), w3 = load(q3 + j)
                    a00 &+= madd(v0, w0); a01 &+= madd(v1, w0)
                    a10 &+= madd(v0, w1); a11 &+= madd(v1, w1)
                    a20 &+= madd(v0, w2); a21 &+= madd(v1, w2)
                    a30 &+= madd(v0, w3); a31 &+= madd(v1, w3)
                    j += 8
                }
                let o = out + qi * ldo + r
                o[0] = a00.wrappedSum() &+ tail(x0, q0, j, d); o[1] = a01.wrappedSum() &+ tail(x1, q0, j, d)
                o[ldo] = a10.wrappedSum() &+ tail(x0, q1, j, d); o[ldo + 1] = a11.wrappedSum() &+ tail(x1, q1, j, d)
                o[2 * ldo] = a20.wrappedSum() &+ tail(x0, q2, j, d); o[2 * ldo + 1] = a21.wrappedSum() &+ tail(x1, q2, j, d)
                o[3 * ldo] = a30.wrappedSum() &+ tail(x0, q3, j, d); o[3 * ldo + 1] = a31.wrappedSum() &+ tail(x1, q3, j, d)
                qi += 4
            }
            r += 2
        }
        if r < count {
            for qi in 0..<(queryCount & ~3) { out[qi * ldo + r] = dot(x + r * d, q + qi * d, d) }
        }
        // The last queries (fewer than four; all of them for single queries): four rows share
        // each load of the query.
        for qi in (queryCount & ~3)..<queryCount {
            let qp = q + qi * d, o = out + qi * ldo
            r = 0
            while r + 4 <= count {
                let x0 = x + r * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d
                var a0 = SIMD4<Int32>(), a1 = SIMD4<Int32>(), a2 = SIMD4<Int32>(), a3 = SIMD4<Int32>()
                var j = 0
                while j < d8 {
                    let w = load(qp + j)
                    a0 &+= madd(widen(x0 + j), w)
                    a1 &+= madd(widen(x1 + j), w)
                    a2 &+= madd(widen(x2 + j), w)
                    a3 &+= madd(widen(x3 + j), w)
                    j += 8
                }
                o[r] = a0.wrappedSum() &+ tail(x0, qp, j, d)
                o[r + 1] = a1.wrappedSum() &+ tail(x1, qp, j, d)
                o[r + 2] = a2.wrappedSum() &+ tail(x2, qp, j, d)
                o[r + 3] = a3.wrappedSum() &+ tail(x3, qp, j, d)
                r += 4
            }
            while r < count {
                o[r] = dot(x + r * d, qp, d)
                r += 1
            }
        }
    }

    /// One code row against one query.
    @inline(__always)
    private static func dot(_ x: UnsafePointer<UInt8>, _ q: UnsafePointer<Int16>, _ d: Int) -> Int32 {
        var a = SIMD4<Int32>()
        var j = 0
        while j + 8 <= d {
            a &+= madd(widen(x + j), load(q + j))
            j += 8
        }
        return a.wrappedSum() &+ tail(x, q, j, d)
    }

    /// The products of components `from..<d`, one at a time.
    @inline(__always)
    private static func tail(_ x: UnsafePointer<UInt8>, _ q: UnsafePointer<Int16>, _ from: Int, _ d: Int) -> Int32 {
        var s: Int32 = 0
        var j = from
        while j < d {
            s &+= Int32(x[j]) &* Int32(q[j])
            j += 1
        }
        return s
    }

    /// Pairwise products of Int16 lanes, adjacent pairs summed into Int32 lanes.
    @inline(__always)
    private static func madd(_ a: SIMD8<Int16>, _ b: SIMD8<Int16>) -> SIMD4<Int32> {
        let p = SIMD8<Int32>(truncatingIfNeeded: a) &* SIMD8<Int32>(truncatingIfNeeded: b)
        return p.evenHalf &+ p.oddHalf
    }

    /// Eight codes widened to Int16.
    @inline(__always)
    private static func widen(_ p: UnsafePointer<UInt8>) -> SIMD8<Int16> {
        SIMD8<Int16>(truncatingIfNeeded: UnsafeRawPointer(p).loadUnaligned(as: SIMD8<UInt8>.self))
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Int16>) -> SIMD8<Int16> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Int16>.self)
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
