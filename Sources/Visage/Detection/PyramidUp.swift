import Foundation
import VisageImage

extension Image {
    /// dlib's `pyramid_up(img, pyramid_down<2>)` on an RGB image (the detector's upsampling):
    /// the output has `2·height + 1` rows and `2·width + 2` columns (the image rectangle mapped
    /// with `p ↦ 2·(p + (1.25, 0.75))` and rounded), filled by dlib's bilinear `resize_image` for
    /// RGB pixels, computed as dlib's x86 build does (f32 lanes of four columns, results
    /// truncated to 8 bits; a double-precision scalar tail).
    ///
    /// Gray images are replicated to RGB first, as dlib's Python detector does.
    public func dlibPyramidUp() -> Image {
        let source = format == .rgb ? self : converted(to: .rgb)
        guard width > 0, height > 0 else { return source }
        let sw = width, sh = height
        let dw = 2 * sw + 2, dh = 2 * sh + 1
        var out = [UInt8](repeating: 0, count: dw * dh * 3)
        let xScale = Double(sw - 1) / Double(max(dw - 1, 1))
        let yScale = Double(sh - 1) / Double(max(dh - 1, 1))
        source.pixels.withUnsafeBufferPointer { srcBuf in
            out.withUnsafeMutableBufferPointer { dstBuf in
                let src = srcBuf.baseAddress!, dst = dstBuf.baseAddress!
                var y = -yScale
                for r in 0..<dh {
                    y += yScale
                    let top = Int(y.rounded(.down))
                    let bottom = min(top + 1, sh - 1)
                    let tbFrac = y - Double(top)
                    let topRow = src + top * sw * 3, bottomRow = src + bottom * sw * 3
                    let row = dst + r * dw * 3
                    let tb = Float(tbFrac), invTB = Float(1 - tbFrac)
                    let x0 = -4 * xScale
                    var lanes = (Float(x0), Float(x0 + xScale), Float(x0 + 2 * xScale), Float(x0 + 3 * xScale))
                    let step = Float(4 * xScale)
                    var c = 0
                    while true {
                        lanes = (lanes.0 + step, lanes.1 + step, lanes.2 + step, lanes.3 + step)
                        if Int(Int32(lanes.3)) + 1 >= sw { break }
                        // One SIMD lane: truncated position, f32 weights, f32 sum in dlib's order.
                        func emit(_ x: Float, _ col: Int) {
                            guard col < dw else { return }
                            let left = Int(Int32(x))
                            let lr = x - Float(left)
                            let invLR = 1 - lr
                            let tlf = invTB * invLR, trf = invTB * lr, blf = tb * invLR, brf = tb * lr
                            for ch in 0..<3 {
                                let a = tlf * Float(topRow[left * 3 + ch])
                                let b = trf * Float(topRow[left * 3 + 3 + ch])
                                let d = blf * Float(bottomRow[left * 3 + ch])
                                let e = brf * Float(bottomRow[left * 3 + 3 + ch])
                                row[col * 3 + ch] = UInt8(truncatingIfNeeded: Int32(((a + b) + d) + e))
                            }
                        }
                        emit(lanes.0, c)
                        emit(lanes.1, c + 1)
                        emit(lanes.2, c + 2)
                        emit(lanes.3, c + 3)
                        c += 4
                        if c >= dw { break }
                    }
                    var x = -xScale + Double(c) * xScale
                    while c < dw {
                        x += xScale
                        let left = Int(x.rounded(.down))
                        let right = min(left + 1, sw - 1)
                        let lr = x - Double(left)
                        for ch in 0..<3 {
                            let upper = (1 - lr) * Double(topRow[left * 3 + ch]) + lr * Double(topRow[right * 3 + ch])
                            let lower = (1 - lr) * Double(bottomRow[left * 3 + ch]) + lr * Double(bottomRow[right * 3 + ch])
                            let v = (1 - tbFrac) * upper + tbFrac * lower
                            row[c * 3 + ch] = UInt8(truncatingIfNeeded: Int(v))
                        }
                        c += 1
                    }
                }
            }
        }
        return Image(width: dw, height: dh, format: .rgb, pixels: out)
    }
}
