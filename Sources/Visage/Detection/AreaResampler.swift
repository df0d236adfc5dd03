import VisageImage
import VisageNN

// Area interpolation as PyTorch's `F.interpolate(mode="area")`, i.e. adaptive average pooling:
// output index i of an n → m resize averages inputs [⌊i·n/m⌋, ⌈(i+1)·n/m⌉). Windows may overlap
// (downscaling by a non-integer factor) or repeat inputs (upscaling).
//
// The image is kept as row prefix sums (P[y][x] = Σ_{x' < x} v[y][x']) so a window's row sum is
// one subtraction. Pixels are integers 0…255, so every sum below 2²⁴ is exact in Float32 and the
// means equal PyTorch's whatever the order of summation.

/// An RGB image as three float planes of row prefix sums, resampled by area averaging into
/// MTCNN's normalised input, `(v − 127.5) · 0.0078125`.
struct AreaResampler: Sendable {
    /// Image width and height.
    let width: Int, height: Int
    /// 3 planes of `height` rows of `width + 1` prefix sums.
    private let prefix: [Float]

    /// Builds the prefix sums of an image (gray images are read as R = G = B).
    init(_ image: Image) {
        let (w, h, c) = (image.width, image.height, image.channels)
        width = w
        height = h
        let rowLength = w + 1
        prefix = [Float](unsafeUninitializedCapacity: 3 * h * rowLength) { buf, initialized in
            image.pixels.withUnsafeBufferPointer { px in
                for ch in 0..<3 {
                    let source = c == 1 ? 0 : ch
                    for y in 0..<h {
                        let row = ch * h * rowLength + y * rowLength
                        var sum: Float = 0
                        buf[row] = 0
                        let line = y * w * c + source
                        for x in 0..<w {
                            sum += Float(px[line + x * c])
                            buf[row + x + 1] = sum
                        }
                    }
                }
            }
            initialized = 3 * h * rowLength
        }
    }

    /// PyTorch's adaptive-pooling window of output `i` for an `n` → `m` resize.
    @inline(__always)
    static func window(_ i: Int, _ n: Int, _ m: Int) -> (start: Int, end: Int) {
        (i * n / m, ((i + 1) * n + m - 1) / m)
    }

    /// Resamples the region `x0..<x0+w`, `y0..<y0+h` (inside the image) to `outWidth` × `outHeight`
    /// and writes the normalised planes (3 × outHeight × outWidth, channel-major) to `dst`.
    func resample(x0: Int, y0: Int, w: Int, h: Int, outWidth ow: Int, outHeight oh: Int,
                  into dst: UnsafeMutablePointer<Float>) {
        precondition(x0 >= 0 && y0 >= 0 && w > 0 && h > 0 && x0 + w <= width && y0 + h <= height,
                     "area resample region out of the image")
        var colStart = [Int](repeating: 0, count: ow), colEnd = colStart
        for i in 0..<ow { (colStart[i], colEnd[i]) = Self.window(i, w, ow) }
        var rowSums = [Float](repeating: 0, count: 3 * h * ow)
        let rowLength = width + 1
        prefix.withUnsafeBufferPointer { pp in
            rowSums.withUnsafeMutableBufferPointer { rs in
                colStart.withUnsafeBufferPointer { cs in
                    colEnd.withUnsafeBufferPointer { ce in
                        let (pb, rb, sb, eb, db) = (UInt(bitPattern: pp.baseAddress!), UInt(bitPattern: rs.baseAddress!),
                                                    UInt(bitPattern: cs.baseAddress!), UInt(bitPattern: ce.baseAddress!),
                                                    UInt(bitPattern: dst))
                        let channel = { (ch: Int) in
                            let pp = UnsafePointer<Float>(bitPattern: pb)!, rs = UnsafeMutablePointer<Float>(bitPattern: rb)! + ch * h * ow
                            let cs = UnsafePointer<Int>(bitPattern: sb)!, ce = UnsafePointer<Int>(bitPattern: eb)!
                            // Window sums along each row.
                            for r in 0..<h {
                                let line = pp + ch * height * rowLength + (y0 + r) * rowLength + x0
                                let out = rs + r * ow
                                for i in 0..<ow { out[i] = line[ce[i]] - line[cs[i]] }
                            }
                            // Window sums down the columns, then the mean, then normalisation.
                            let plane = UnsafeMutablePointer<Float>(bitPattern: db)! + ch * oh * ow
                            for j in 0..<oh {
                                let (r0, r1) = Self.window(j, h, oh)
                                let out = plane + j * ow
                                out.update(from: rs + r0 * ow, count: ow)
                                for r in (r0 + 1)..<max(r1, r0 + 1) {
                                    let src = rs + r * ow
                                    for i in 0..<ow { out[i] += src[i] }
                                }
                                let kh = Float(r1 - r0)
                                for i in 0..<ow {
                                    let mean = out[i] / (kh * Float(ce[i] - cs[i]))
                                    out[i] = (mean - 127.5) * 0.0078125
                                }
                            }
                        }
                        // The three channels in parallel when the level is large (the pyramid).
                        if h * ow >= 1 << 16 {
                            Backend.parallelFor(3, channel)
                        } else {
                            for ch in 0..<3 { channel(ch) }
                        }
                    }
                }
            }
        }
    }
}
