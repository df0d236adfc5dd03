import VisageNN

// Layout: CNHW (see PlaneBuffer). Every kernel here works plane by plane, so it is the same as in
// NCHW except for which plane holds which (channel, sample).

/// Pooling, element-wise and residual kernels on CNHW buffers.
enum PlaneKernels {
    /// Max or average pooling with windows clipped to the plane (average divides by the
    /// in-plane count, as dlib and `Pool2D(.average(countsPadding: false))` do).
    static func pool(_ x: PlaneBuffer, _ p: Pool2D) -> PlaneBuffer {
        let outShape = p.outputShape(for: [x.n, x.c, x.h, x.w])
        let (ho, wo) = (outShape[2], outShape[3])
        let pad = p.padding.resolve(h: x.h, w: x.w, kh: p.kernel.h, kw: p.kernel.w, sy: p.stride.y, sx: p.stride.x)
        let out = x.sibling(c: x.c, n: x.n, h: ho, w: wo)
        let (h, w, kh, kw, sy, sx) = (x.h, x.w, p.kernel.h, p.kernel.w, p.stride.y, p.stride.x)
        let isMax = p.kind == .max
        let countsPadding = p.kind == .average(countsPadding: true)
        let xb = UInt(bitPattern: x.data), ob = UInt(bitPattern: out.data)
        // Separable: each output row first reduces its window's input rows column by column
        // (vectorisable), then each output takes its window's columns of that row.
        Backend.parallelFor(x.c * x.n, elements: x.count) { plane in
            let src = UnsafePointer<Float>(bitPattern: xb)! + plane * h * w
            let dst = UnsafeMutablePointer<Float>(bitPattern: ob)! + plane * ho * wo
            withUnsafeTemporaryAllocation(of: Float.self, capacity: max(w, 1)) { buffer in
                let column = buffer.baseAddress!
                for oy in 0..<ho {
                    let y0 = oy * sy - pad.top
                    let ya = max(y0, 0), yb = min(y0 + kh, h)
                    let line = dst + oy * wo
                    guard ya < yb else {
                        line.update(repeating: 0, count: wo)
                        continue
                    }
                    column.update(from: src + ya * w, count: w)
                    for yy in (ya + 1)..<yb {
                        let row = src + yy * w
                        if isMax {
                            for xx in 0..<w { column[xx] = larger(column[xx], row[xx]) }
                        } else {
                            for xx in 0..<w { column[xx] += row[xx] }
                        }
                    }
                    for ox in 0..<wo {
                        let x0 = ox * sx - pad.left
                        let xa = max(x0, 0), xe = min(x0 + kw, w)
                        guard xa < xe else {
                            line[ox] = 0
                            continue
                        }
                        var m = column[xa]
                        if isMax {
                            for xx in (xa + 1)..<xe { m = larger(m, column[xx]) }
                        } else {
                            for xx in (xa + 1)..<xe { m += column[xx] }
                            m /= Float(countsPadding ? kh * kw : (yb - ya) * (xe - xa))
                        }
                        line[ox] = m
                    }
                }
            }
        }
        return out
    }

    /// `a > b ? a : b`, the form that compiles to one `maxps` (activations are never NaN here).
    @inline(__always)
    static func larger(_ a: Float, _ b: Float) -> Float { a > b ? a : b }

    /// The mean of every plane: [C, N, 1, 1].
    static func globalAverage(_ x: PlaneBuffer) -> PlaneBuffer {
        let out = x.sibling(c: x.c, n: x.n, h: 1, w: 1)
        let plane = x.plane
        for i in 0..<(x.c * x.n) {
            var sum: Float = 0
            for j in 0..<plane { sum += x.data[i * plane + j] }
            out.data[i] = sum / Float(plane)
        }
        return out
    }

    /// `max(x, 0)` in place.
    static func relu(_ x: PlaneBuffer) {
        for i in 0..<x.count { x.data[i] = max(x.data[i], 0) }
    }

    /// `scale[c] · x + shift[c]` (then ReLU) in place.
    static func affine(_ x: PlaneBuffer, _ a: ChannelAffine) {
        let per = x.n * x.plane
        let relu = a.activation == .relu
        for c in 0..<x.c {
            let p = x.data + c * per
            let s = a.scale[c], t = a.shift[c]
            for j in 0..<per { p[j] = relu ? max(s * p[j] + t, 0) : s * p[j] + t }
        }
    }

    /// `body + shortcut` (then ReLU). Equal shapes add in place into `body`; otherwise the result
    /// has the larger extent on every axis, each operand top-left aligned (dlib's add_prev).
    /// - Returns: `body` itself or a new buffer.
    static func add(body: PlaneBuffer, shortcut: PlaneBuffer, relu: Bool) -> PlaneBuffer {
        if body.c == shortcut.c && body.n == shortcut.n && body.h == shortcut.h && body.w == shortcut.w {
            let (bodyBits, shortcutBits) = (UInt(bitPattern: body.data), UInt(bitPattern: shortcut.data))
            let count = body.count, chunk = 1 << 14
            Backend.parallelFor((count + chunk - 1) / chunk, elements: count) { k in
                let b = UnsafeMutablePointer<Float>(bitPattern: bodyBits)!
                let s = UnsafePointer<Float>(bitPattern: shortcutBits)!
                let range = (k * chunk)..<min(count, (k + 1) * chunk)
                if relu {
                    for i in range { b[i] = larger(b[i] + s[i], 0) }
                } else {
                    for i in range { b[i] += s[i] }
                }
            }
            return body
        }
        // Shapes differ (a downsampling block's pooled shortcut has fewer channels): the smaller
        // operand counts as zero-padded, plane by plane.
        let out = body.sibling(c: max(body.c, shortcut.c), n: max(body.n, shortcut.n), h: max(body.h, shortcut.h),
                              w: max(body.w, shortcut.w))
        let outBits = UInt(bitPattern: out.data)
        Backend.parallelFor(out.c * out.n, elements: out.count) { plane in
            let c = plane / out.n, s = plane % out.n
            let dst = UnsafeMutablePointer<Float>(bitPattern: outBits)! + plane * out.plane
            dst.update(repeating: 0, count: out.plane)
            for operand in [shortcut, body] where c < operand.c && s < operand.n {
                let src = operand.data + (c * operand.n + s) * operand.plane
                for y in 0..<operand.h {
                    for x in 0..<operand.w { dst[y * out.w + x] += src[y * operand.w + x] }
                }
            }
            if relu {
                for i in 0..<out.plane { dst[i] = larger(dst[i], 0) }
            }
        }
        return out
    }

    /// A fully connected layer on [I, N, 1, 1]: `y = W x + b` as [O, N, 1, 1].
    static func dense(_ x: PlaneBuffer, _ d: Dense) -> PlaneBuffer {
        let o = d.weight.shape[0], i = d.weight.shape[1]
        let out = x.sibling(c: o, n: x.n, h: 1, w: 1)
        d.weight.storage.withUnsafeBufferPointer { wp in
            Gemm.sgemm(m: o, n: x.n, k: i, a: wp.baseAddress!, lda: i, b: x.data, ldb: x.n, c: out.data, ldc: x.n)
        }
        if let bias = d.bias {
            for r in 0..<o { for s in 0..<x.n { out.data[r * x.n + s] += bias.storage[r] } }
        }
        return out
    }
}
