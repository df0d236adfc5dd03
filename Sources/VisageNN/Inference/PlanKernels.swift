import Foundation

// Layout: CNHW (see ChannelMajor). Each kernel writes into a view the caller allocated, which may
// be a channel slice of a concatenation.

/// The element-wise and reshaping steps of an inference plan.
enum PlanKernels {
    /// Zero padding of every plane.
    static func pad(_ x: ChannelMajor, _ p: Padding, into out: ChannelMajor) {
        let (h, w, ho, wo) = (x.h, x.w, out.h, out.w)
        let (sb, db) = (UInt(bitPattern: x.base), UInt(bitPattern: out.base))
        Backend.parallelFor(x.c * x.n, elements: out.count) { plane in
            let src = UnsafePointer<Float>(bitPattern: sb)! + plane * h * w
            let dst = UnsafeMutablePointer<Float>(bitPattern: db)! + plane * ho * wo
            dst.update(repeating: 0, count: p.top * wo)
            for y in 0..<h {
                let line = dst + (p.top + y) * wo
                line.update(repeating: 0, count: p.left)
                (line + p.left).update(from: src + y * w, count: w)
                (line + p.left + w).update(repeating: 0, count: wo - p.left - w)
            }
            (dst + (p.top + h) * wo).update(repeating: 0, count: (ho - p.top - h) * wo)
        }
    }

    /// The mean of every plane.
    static func globalAverage(_ x: ChannelMajor, into out: ChannelMajor) {
        let plane = x.plane
        let (sb, db) = (UInt(bitPattern: x.base), UInt(bitPattern: out.base))
        Backend.parallelFor(x.c, elements: x.count) { ch in
            let src = UnsafePointer<Float>(bitPattern: sb)!, dst = UnsafeMutablePointer<Float>(bitPattern: db)!
            for i in (ch * x.n)..<((ch + 1) * x.n) {
                var sum: Float = 0
                for j in 0..<plane { sum += src[i * plane + j] }
                dst[i] = sum / Float(plane)
            }
        }
    }

    /// [C, N, H, W] → vectors [C·H·W, N] with feature index (c·H + y)·W + x (NCHW flattening).
    static func flatten(_ x: ChannelMajor) -> ChannelMajor {
        if x.plane == 1 { return x.reshaped(c: x.c, h: 1, w: 1, rank: 2) }
        let out = ChannelMajor(c: x.c * x.plane, n: x.n, h: 1, w: 1, rank: 2, pool: x.pool)
        let (n, plane) = (x.n, x.plane)
        let (sb, db) = (UInt(bitPattern: x.base), UInt(bitPattern: out.base))
        Backend.parallelFor(x.c, elements: x.count) { ch in
            let src = UnsafePointer<Float>(bitPattern: sb)! + ch * n * plane
            let dst = UnsafeMutablePointer<Float>(bitPattern: db)! + ch * plane * n
            for s in 0..<n { for j in 0..<plane { dst[j * n + s] = src[s * plane + j] } }
        }
        return out
    }

    /// `out[O, N] = W[O, I] · x[I, N] + b` on vectors.
    static func dense(_ layer: Dense, _ x: ChannelMajor, into out: ChannelMajor) {
        let (o, i) = (layer.weight.shape[0], layer.weight.shape[1])
        precondition(x.c == i, "dense expects \(i) features, got \(x.c)")
        layer.weight.storage.withUnsafeBufferPointer { wp in
            Gemm.sgemm(m: o, n: x.n, k: i, a: wp.baseAddress!, lda: i, b: x.base, ldb: x.n, c: out.base, ldc: x.n)
        }
        if let b = layer.bias?.storage {
            for r in 0..<o { for s in 0..<x.n { out.base[r * x.n + s] += b[r] } }
        }
    }

    /// `y = scale[c]·x + shift[c]`, then the activation, in place.
    static func affine(_ x: ChannelMajor, scale: [Float], shift: [Float], relu: Bool) {
        precondition(x.c == scale.count, "affine for \(scale.count) channels got \(x.c)")
        let (len, bits) = (x.row, UInt(bitPattern: x.base))
        Backend.parallelFor(x.c, elements: x.count) { ch in
            let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + ch * len
            let (a, b) = (scale[ch], shift[ch])
            if relu {
                for j in 0..<len { p[j] = max(a * p[j] + b, 0) }
            } else {
                for j in 0..<len { p[j] = a * p[j] + b }
            }
        }
    }

    /// max(x, 0) in place.
    static func relu(_ x: ChannelMajor) {
        let (len, bits) = (x.row, UInt(bitPattern: x.base))
        Backend.parallelFor(x.c, elements: x.count) { ch in
            let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + ch * len
            for j in 0..<len { p[j] = max(p[j], 0) }
        }
    }

    /// Parametric ReLU in place, one slope per channel.
    static func prelu(_ x: ChannelMajor, slope: [Float]) {
        precondition(x.c == slope.count, "PReLU for \(slope.count) channels got \(x.c)")
        let (len, bits) = (x.row, UInt(bitPattern: x.base))
        Backend.parallelFor(x.c, elements: x.count) { ch in
            let p = UnsafeMutablePointer<Float>(bitPattern: bits)! + ch * len
            let a = slope[ch]
            for j in 0..<len where p[j] < 0 { p[j] *= a }
        }
    }

    /// Softmax over channels at every (sample, position), in place.
    static func softmax(_ x: ChannelMajor) {
        let (c, len) = (x.c, x.row)
        let p = x.base
        for j in 0..<len {
            var m = -Float.infinity
            for ch in 0..<c { m = max(m, p[ch * len + j]) }
            var sum: Float = 0
            for ch in 0..<c {
                let e = expf(p[ch * len + j] - m)
                p[ch * len + j] = e
                sum += e
            }
            for ch in 0..<c { p[ch * len + j] /= sum }
        }
    }

    /// Scales every sample's vector to unit length (floor `epsilon` under the squared norm), in place.
    static func l2Normalize(_ x: ChannelMajor, epsilon: Float) {
        let len = x.row
        var sums = [Float](repeating: 0, count: len)
        for ch in 0..<x.c {
            let p = x.base + ch * len
            for j in 0..<len { sums[j] += p[j] * p[j] }
        }
        // Samples are columns only for vectors; for images every sample spans its planes.
        if x.plane > 1 {
            for s in 0..<x.n {
                var t: Float = 0
                for j in 0..<x.plane { t += sums[s * x.plane + j] }
                for j in 0..<x.plane { sums[s * x.plane + j] = t }
            }
        }
        for j in 0..<len { sums[j] = 1 / max(sums[j], epsilon).squareRoot() }
        for ch in 0..<x.c {
            let p = x.base + ch * len
            for j in 0..<len { p[j] *= sums[j] }
        }
    }

    /// `out = a + scale · b` where the operands may differ in shape: each contributes where its
    /// index is in range, top-left aligned (dlib's add_prev). `out` has the larger extents.
    static func add(_ a: ChannelMajor, _ b: ChannelMajor, scale: Float, into out: ChannelMajor) {
        if a.sameShape(b) && a.sameShape(out) {
            let (len, ab, bb, ob) = (a.row, UInt(bitPattern: a.base), UInt(bitPattern: b.base), UInt(bitPattern: out.base))
            Backend.parallelFor(a.c, elements: a.count) { ch in
                let x = UnsafePointer<Float>(bitPattern: ab)! + ch * len, y = UnsafePointer<Float>(bitPattern: bb)! + ch * len
                let o = UnsafeMutablePointer<Float>(bitPattern: ob)! + ch * len
                if scale == 1 {
                    for j in 0..<len { o[j] = x[j] + y[j] }
                } else {
                    for j in 0..<len { o[j] = x[j] + scale * y[j] }
                }
            }
            return
        }
        out.base.update(repeating: 0, count: out.count)
        for (t, k) in [(a, Float(1)), (b, scale)] {
            for ch in 0..<min(out.c, t.c) {
                for s in 0..<min(out.n, t.n) {
                    for y in 0..<min(out.h, t.h) {
                        let dst = out.base + ((ch * out.n + s) * out.h + y) * out.w
                        let src = t.base + ((ch * t.n + s) * t.h + y) * t.w
                        for x in 0..<min(out.w, t.w) { dst[x] += k * src[x] }
                    }
                }
            }
        }
    }
}
