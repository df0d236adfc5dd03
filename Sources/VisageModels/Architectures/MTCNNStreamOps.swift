import Foundation
import VisageNN

// Loops shared by the fast MTCNN passes: a stride-1 unpadded im2col over strided planes, fused
// bias + PReLU, and ceil-mode max pooling (PyTorch's `MaxPool2d(k, s, ceil_mode=True)`: windows
// clipped to the plane, a last window may be partial). Planes are row-major.

/// The elementwise and data-movement steps of the MTCNN fast paths.
enum StreamOps {
    /// Columns of a k × k stride-1 valid convolution of one sample: row (c·k + ky)·k + kx holds,
    /// at column oy·outWidth + ox, `src[c·planeStride + (oy + ky)·rowStride + ox + kx]`; rows of
    /// `dst` are `dstRowStride` apart.
    static func im2col(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, planeStride: Int,
                       rowStride: Int, channels: Int, kernel k: Int, rows: Int, outWidth: Int,
                       dstRowStride: Int? = nil) {
        let n = dstRowStride ?? rows * outWidth
        let (db, sb) = (UInt(bitPattern: dst), UInt(bitPattern: src))
        Backend.parallelFor(channels) { c in
            let dst = UnsafeMutablePointer<Float>(bitPattern: db)!, src = UnsafePointer<Float>(bitPattern: sb)!
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = dst + ((c * k + ky) * k + kx) * n
                    let base = src + c * planeStride + ky * rowStride + kx
                    for oy in 0..<rows {
                        (row + oy * outWidth).update(from: base + oy * rowStride, count: outWidth)
                    }
                }
            }
        }
    }

    /// `x + bias[c]`, then PReLU with `slope[c]`, on `channels` runs of `count` values.
    static func biasPReLU(_ x: UnsafeMutablePointer<Float>, channels: Int, count: Int, planeStride: Int,
                          bias: [Float], slope: [Float]) {
        let xb = UInt(bitPattern: x)
        Backend.parallelFor(channels) { c in
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

    /// Max pooling (ceil mode) of `planes` planes of `height` × `width`.
    static func maxPool(_ src: UnsafePointer<Float>, planeStride: Int, planes: Int, height: Int, width: Int,
                        kernel k: Int, stride s: Int, into dst: UnsafeMutablePointer<Float>, dstPlaneStride: Int) {
        let ho = pooledExtent(height, kernel: k, stride: s), wo = pooledExtent(width, kernel: k, stride: s)
        let (sb, db) = (UInt(bitPattern: src), UInt(bitPattern: dst))
        Backend.parallelFor(planes) { plane in
            let src = UnsafePointer<Float>(bitPattern: sb)! + plane * planeStride
            let out = UnsafeMutablePointer<Float>(bitPattern: db)! + plane * dstPlaneStride
            withUnsafeTemporaryAllocation(of: Float.self, capacity: wo) { rowMax in
                for oy in 0..<ho {
                    let y0 = oy * s, y1 = min(y0 + k, height)
                    for ox in 0..<wo {
                        let x0 = ox * s, x1 = min(x0 + k, width)
                        var m = src[y0 * width + x0]
                        for x in (x0 + 1)..<max(x1, x0 + 1) { m = max(m, src[y0 * width + x]) }
                        rowMax[ox] = m
                    }
                    for y in (y0 + 1)..<max(y1, y0 + 1) {
                        let line = src + y * width
                        for ox in 0..<wo {
                            let x0 = ox * s, x1 = min(x0 + k, width)
                            var m = rowMax[ox]
                            for x in x0..<x1 { m = max(m, line[x]) }
                            rowMax[ox] = m
                        }
                    }
                    (out + oy * wo).update(from: rowMax.baseAddress!, count: wo)
                }
            }
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
