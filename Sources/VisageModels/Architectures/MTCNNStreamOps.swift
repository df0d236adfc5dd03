import Foundation
import VisageNN

// Loops shared by the fast MTCNN passes: a stride-1 unpadded im2col over strided planes, fused
// bias + PReLU, and ceil-mode max pooling (PyTorch's `MaxPool2d(k, s, ceil_mode=True)`: windows
// clipped to the plane, a last window may be partial). Planes are row-major.

/// The elementwise and data-movement steps of the MTCNN fast paths.
enum StreamOps {
    /// Runs `body(c)` for every channel, spread over the back end's threads only when there is
    /// enough work (`total` elements) to pay for waking them: many small parallel loops cost more
    /// in hand-overs than they save, above all on a busy machine.
    @inline(__always)
    static func forEachChannel(_ channels: Int, total: Int, _ body: (Int) -> Void) {
        if total >= 1 << 17 {
            Backend.parallelFor(channels, body)
        } else {
            for c in 0..<channels { body(c) }
        }
    }

    /// Columns of a k × k stride-1 valid convolution of one sample: row (c·k + ky)·k + kx holds,
    /// at column oy·outWidth + ox, `src[c·planeStride + (oy + ky)·rowStride + ox + kx]`; rows of
    /// `dst` are `dstRowStride` apart.
    static func im2col(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, planeStride: Int,
                       rowStride: Int, channels: Int, kernel k: Int, rows: Int, outWidth: Int,
                       dstRowStride: Int? = nil) {
        let n = dstRowStride ?? rows * outWidth
        let (db, sb) = (UInt(bitPattern: dst), UInt(bitPattern: src))
        forEachChannel(channels, total: channels * k * k * rows * outWidth) { c in
            let dst = UnsafeMutablePointer<Float>(bitPattern: db)!, src = UnsafePointer<Float>(bitPattern: sb)!
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = dst + ((c * k + ky) * k + kx) * n
                    let base = src + c * planeStride + ky * rowStride + kx
                    if outWidth >= 64 {
                        for oy in 0..<rows {
                            (row + oy * outWidth).update(from: base + oy * rowStride, count: outWidth)
                        }
                    } else {
                        // Short rows: a library call per row would cost more than the copy.
                        var d = row
                        for oy in 0..<rows {
                            let line = base + oy * rowStride
                            for ox in 0..<outWidth { d[ox] = line[ox] }
                            d += outWidth
                        }
                    }
                }
            }
        }
    }

    /// `x + bias[c]`, then PReLU with `slope[c]`, on `channels` runs of `count` values.
    static func biasPReLU(_ x: UnsafeMutablePointer<Float>, channels: Int, count: Int, planeStride: Int,
                          bias: [Float], slope: [Float]) {
        let xb = UInt(bitPattern: x)
        forEachChannel(channels, total: channels * count) { c in
            let p = UnsafeMutablePointer<Float>(bitPattern: xb)! + c * planeStride
            let (b, a) = (bias[c], slope[c])
            for i in 0..<count {
                let v = p[i] + b
                p[i] = v < 0 ? v * a : v
            }
        }
    }

    /// Output extent of a ceil-mode pooling of `n` with window `k` and stride `s`.
    static func pooledExtent(_ n: Int, kernel k: Int, stride s: Int) -> Int {
        guard n >= k else { return n > 0 ? 1 : 0 }
        var out = (n - k + s - 1) / s + 1
        if (out - 1) * s >= n { out -= 1 }
        return out
    }

    /// Max pooling (ceil mode) of `planes` planes of `height` × `width`: per output row, the
    /// column maxima over the window's rows, then the maxima over each window's columns;
    /// `parallel` false keeps it on the caller's thread.
    static func maxPool(_ src: UnsafePointer<Float>, planeStride: Int, planes: Int, height: Int, width: Int,
                        kernel k: Int, stride s: Int, into dst: UnsafeMutablePointer<Float>, dstPlaneStride: Int,
                        parallel: Bool = true) {
        let ho = pooledExtent(height, kernel: k, stride: s), wo = pooledExtent(width, kernel: k, stride: s)
        let (sb, db) = (UInt(bitPattern: src), UInt(bitPattern: dst))
        forEachChannel(planes, total: parallel ? planes * height * width : 0) { plane in
            let src = UnsafePointer<Float>(bitPattern: sb)! + plane * planeStride
            let out = UnsafeMutablePointer<Float>(bitPattern: db)! + plane * dstPlaneStride
            withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { buffer in
                let colMax = buffer.baseAddress!
                for oy in 0..<ho {
                    let y0 = oy * s, y1 = min(y0 + k, height)  // y0 < height: ceil mode starts inside
                    colMax.update(from: src + y0 * width, count: width)
                    for y in (y0 + 1)..<y1 {
                        let line = src + y * width
                        for x in 0..<width { colMax[x] = PlaneKernels.larger(colMax[x], line[x]) }
                    }
                    poolRow(colMax, width: width, kernel: k, stride: s, into: out + oy * wo, count: wo)
                }
            }
        }
    }

    /// The horizontal step of a ceil-mode max pooling: `count` window maxima of one row of
    /// `width` values (window `ox` covers columns `ox · s ..< min(ox · s + k, width)`). Whole
    /// windows are unrolled for MTCNN's 3 × 3 and 2 × 2 kernels, then the clipped tail.
    @inline(__always)
    static func poolRow(_ row: UnsafePointer<Float>, width: Int, kernel k: Int, stride s: Int,
                        into o: UnsafeMutablePointer<Float>, count: Int) {
        let whole = width >= k ? min((width - k) / s + 1, count) : 0
        if k == 3 {
            for ox in 0..<whole {
                let x0 = ox &* s
                o[ox] = PlaneKernels.larger(PlaneKernels.larger(row[x0], row[x0 &+ 1]), row[x0 &+ 2])
            }
        } else if k == 2 {
            for ox in 0..<whole {
                let x0 = ox &* s
                o[ox] = PlaneKernels.larger(row[x0], row[x0 &+ 1])
            }
        }
        for ox in (k == 2 || k == 3 ? whole : 0)..<count {
            let x0 = ox * s, x1 = min(x0 + k, width)
            var m = row[x0]
            for x in (x0 + 1)..<x1 { m = PlaneKernels.larger(m, row[x]) }
            o[ox] = m
        }
    }


    /// Moves rows `from..<from+count` of each plane to rows `0..<count`.
    static func shiftRows(_ x: UnsafeMutablePointer<Float>, channels: Int, planeStride: Int, rowLength: Int,
                          from: Int, count: Int) {
        guard count > 0, from > 0 else { return }
        for c in 0..<channels {
            let plane = x + c * planeStride
            memmove(plane, plane + from * rowLength, count * rowLength * MemoryLayout<Float>.stride)
        }
    }
}
