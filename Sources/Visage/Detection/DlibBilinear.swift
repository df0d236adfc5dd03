import Foundation
import VisageImage

/// dlib's bilinear `resize_image` as its x86 build computes it, so the MMOD detector sees the
/// same pixels: scales `(src − 1) / max(dst − 1, 1)` in double, the row position accumulated in
/// double, columns four at a time with f32 positions accumulated in f32 and truncated to ints,
/// f32 weights, and a scalar tail (once the fourth lane's right neighbour leaves the source)
/// computed in double.
enum DlibBilinear {
    /// Resizes a float region into another region (dlib's `resize_image` on a float
    /// `image_view`, used to fill the tiled pyramid). The regions may share a buffer but must
    /// not overlap.
    /// - Parameters:
    ///   - source: the buffer holding the source region.
    ///   - sourceRect: the source region (inclusive bounds).
    ///   - destination: the buffer receiving the resized region.
    ///   - destinationRect: the destination region (inclusive bounds).
    ///   - rowStride: the row length of both buffers.
    static func resize(source: UnsafePointer<Float>, sourceRect: PixelRect,
                       into destination: UnsafeMutablePointer<Float>, destinationRect: PixelRect, rowStride: Int) {
        let sw = sourceRect.width, sh = sourceRect.height
        let dw = destinationRect.width, dh = destinationRect.height
        guard sw > 0, sh > 0, dw > 0, dh > 0 else { return }
        let src = source + sourceRect.top * rowStride + sourceRect.left
        let dst = destination + destinationRect.top * rowStride + destinationRect.left
        let xScale = Double(sw - 1) / Double(max(dw - 1, 1))
        let yScale = Double(sh - 1) / Double(max(dh - 1, 1))
        var y = -yScale
        for r in 0..<dh {
            y += yScale
            let top = Int(y.rounded(.down))
            let bottom = min(top + 1, sh - 1)
            let tbFrac = y - Double(top)
            let topRow = src + top * rowStride, bottomRow = src + bottom * rowStride
            let out = dst + r * rowStride
            let tb = Float(tbFrac), invTB = Float(1 - tbFrac)
            let x0 = -4 * xScale
            var lanes = (Float(x0), Float(x0 + xScale), Float(x0 + 2 * xScale), Float(x0 + 3 * xScale))
            let step = Float(4 * xScale)
            var c = 0
            while true {
                lanes = (lanes.0 + step, lanes.1 + step, lanes.2 + step, lanes.3 + step)
                let l3 = Int(Int32(lanes.3))
                if l3 + 1 >= sw { break }
                // dlib writes all four lanes; past the row end they land in the next row and are
                // overwritten, so only the in-row ones matter.
                out[c] = lane(lanes.0, topRow, bottomRow, tb, invTB)
                if c + 1 < dw { out[c + 1] = lane(lanes.1, topRow, bottomRow, tb, invTB) }
                if c + 2 < dw { out[c + 2] = lane(lanes.2, topRow, bottomRow, tb, invTB) }
                if c + 3 < dw { out[c + 3] = lane(lanes.3, topRow, bottomRow, tb, invTB) }
                c += 4
                if c >= dw { break }
            }
            var x = -xScale + Double(c) * xScale
            while c < dw {
                x += xScale
                let left = Int(x.rounded(.down))
                let right = min(left + 1, sw - 1)
                let lr = Float(x - Double(left))
                let upper: Float = (1 - lr) * topRow[left] + lr * topRow[right]
                let lower: Float = (1 - lr) * bottomRow[left] + lr * bottomRow[right]
                out[c] = Float((1 - tbFrac) * Double(upper) + tbFrac * Double(lower))
                c += 1
            }
        }
    }

    /// One SIMD lane of dlib's loop: truncated position, f32 weights, f32 sum in dlib's order.
    @inline(__always)
    private static func lane(_ x: Float, _ topRow: UnsafePointer<Float>, _ bottomRow: UnsafePointer<Float>,
                             _ tb: Float, _ invTB: Float) -> Float {
        let left = Int(Int32(x))
        let lr = x - Float(left)
        let invLR = 1 - lr
        let tlf = invTB * invLR, trf = invTB * lr, blf = tb * invLR, brf = tb * lr
        let a = tlf * topRow[left]
        let b = trf * topRow[left + 1]
        let d = blf * bottomRow[left]
        let e = brf * bottomRow[left + 1]
        return ((a + b) + d) + e
    }
}
