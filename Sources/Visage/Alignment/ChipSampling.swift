import VisageImage

extension Image {
    /// dlib's `transform_image` with `interpolate_bilinear` and a black background.
    func sampleBilinear(_ map: ChipMap, rows: Int, cols: Int) -> Image {
        let ch = channels
        var out = [UInt8](repeating: 0, count: rows * cols * ch)
        let maxX = Double(width - 1), maxY = Double(height - 1)
        let w = width
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<rows {
                    let fy = Double(y)
                    for x in 0..<cols {
                        let fx = Double(x)
                        let u = (map.m00 * fx + map.m01 * fy) + map.bx
                        let v = (map.m10 * fx + map.m11 * fy) + map.by
                        // floor(u) ≥ 0 and floor(u) + 1 < width, likewise for v (NaN fails too).
                        guard u >= 0, v >= 0, u < maxX, v < maxY else { continue }
                        let left = Int(u), top = Int(v)
                        let lr = u - Double(left), tb = v - Double(top)
                        let tlIndex = (top * w + left) * ch
                        let blIndex = tlIndex + w * ch
                        let o = (y * cols + x) * ch
                        for k in 0..<ch {
                            let tl = Double(src[tlIndex + k]), tr = Double(src[tlIndex + ch + k])
                            let bl = Double(src[blIndex + k]), br = Double(src[blIndex + ch + k])
                            let upper: Double = (1 - lr) * tl + lr * tr
                            let lower: Double = (1 - lr) * bl + lr * br
                            let value: Double = (1 - tb) * upper + tb * lower
                            dst[o + k] = UInt8(value)
                        }
                    }
                }
            }
        }
        return Image(width: cols, height: rows, format: format, pixels: out)
    }

    /// dlib's `pyramid_down<2>`: a separable 1-4-6-4-1 filter and 2× decimation in integers,
    /// output `((h − 3) / 2) × ((w − 3) / 2)` (empty when either side is ≤ 8).
    func pyramidDown2() -> Image {
        guard width > 8, height > 8 else { return Image(width: 0, height: 0, format: format) }
        let ch = channels
        let tw = (width - 3) / 2, oh = (height - 3) / 2
        var tmp = [UInt16](repeating: 0, count: height * tw * ch)
        var out = [UInt8](repeating: 0, count: oh * tw * ch)
        let w = width
        pixels.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                for y in 0..<height {
                    for x in 0..<tw {
                        let s = (y * w + 2 * x) * ch
                        for k in 0..<ch {
                            let a = UInt16(src[s + k]), b = UInt16(src[s + ch + k]), c = UInt16(src[s + 2 * ch + k])
                            let d = UInt16(src[s + 3 * ch + k]), e = UInt16(src[s + 4 * ch + k])
                            t[(y * tw + x) * ch + k] = a + 4 * b + 6 * c + 4 * d + e
                        }
                    }
                }
            }
            tmp.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { dst in
                    let rowStride = tw * ch
                    for y in 0..<oh {
                        let r0 = 2 * y * rowStride
                        for i in 0..<rowStride {
                            let sum = t[r0 + i] &+ 4 &* t[r0 + rowStride + i] &+ 6 &* t[r0 + 2 * rowStride + i]
                                &+ 4 &* t[r0 + 3 * rowStride + i] &+ t[r0 + 4 * rowStride + i]
                            dst[y * rowStride + i] = UInt8(sum / 256)
                        }
                    }
                }
            }
        }
        return Image(width: tw, height: oh, format: format, pixels: out)
    }
}
