import VisageImage
import VisageNN

// Area interpolation as PyTorch's `F.interpolate(mode="area")`, i.e. adaptive average pooling:
// output index i of an n → m resize averages inputs [⌊i·n/m⌋, ⌈(i+1)·n/m⌉). Windows may overlap
// (downscaling by a non-integer factor) or repeat inputs (upscaling).
//
// The image is kept as a summed-area table (S[y][x] = Σ_{y' < y, x' < x} v[y'][x']) so that a
// window's sum is four reads, whatever its size: a 24 × 24 crop of a 400-pixel face reads 2,500
// table entries instead of 400 rows of 24 scattered prefix sums. The table is UInt32 with
// wrapping arithmetic: it may wrap on large images, but a window's sum (below 2³² for any window
// under 16 M pixels) comes out exact modulo 2³², hence exact. Pixels are integers 0…255, so a
// window sum below 2²⁴ is exact as a Float too, and the means equal PyTorch's whatever the order
// of its summation.

/// An RGB image as three summed-area tables, resampled by area averaging into MTCNN's
/// normalised input, `(v − 127.5) · 0.0078125`: MTCNN's image pyramid and its crops for R-Net
/// and O-Net, as facenet-pytorch makes them with `F.interpolate(mode="area")`.
public struct AreaResampler: Sendable {
    /// Image width and height.
    public let width: Int, height: Int
    /// 3 planes of `height + 1` rows of `width + 1` sums (modulo 2³²).
    private let table: [UInt32]

    /// Columns per strip of the vertical pass (a strip's rows stay in L1 from one row to the next).
    private static let stripColumns = 512

    /// Builds the tables of an image (gray images are read as R = G = B), the rows and then
    /// the column strips spread over the back end's threads.
    public init(_ image: Image) {
        let (w, h, c) = (image.width, image.height, image.channels)
        width = w
        height = h
        let pitch = w + 1, plane = (h + 1) * pitch
        table = [UInt32](unsafeUninitializedCapacity: 3 * plane) { buf, initialized in
            let base = buf.baseAddress!
            image.pixels.withUnsafeBufferPointer { px in
                let pixels = px.baseAddress!
                // Row prefix sums, into rows 1…h of each plane; row 0 and column 0 are zero.
                let rowsPerTask = max(1, (1 << 15) / max(1, w))
                let tasks = (3 * h + rowsPerTask - 1) / rowsPerTask
                Backend.parallelFor(tasks, elements: 3 * h * w) { t in
                    for k in (t * rowsPerTask)..<min(3 * h, (t + 1) * rowsPerTask) {
                        let (ch, y) = (k / h, k % h)
                        let source = pixels + y * w * c + (c == 1 ? 0 : ch)
                        let row = base + ch * plane + (y + 1) * pitch
                        var sum: UInt32 = 0
                        row[0] = 0
                        for x in 0..<w {
                            sum &+= UInt32(source[x * c])
                            row[x + 1] = sum
                        }
                    }
                }
                for ch in 0..<3 { (base + ch * plane).initialize(repeating: 0, count: pitch) }
                // Running sums down each column, a strip of columns at a time.
                let strips = (pitch + Self.stripColumns - 1) / Self.stripColumns
                Backend.parallelFor(3 * strips, elements: 3 * h * w) { t in
                    let (ch, s) = (t / strips, t % strips)
                    let x0 = s * Self.stripColumns, n = min(Self.stripColumns, pitch - x0)
                    var above = UnsafePointer(base + ch * plane + x0)
                    for y in stride(from: 1, through: h, by: 1) {
                        let row = base + ch * plane + y * pitch + x0
                        for x in 0..<n { row[x] &+= above[x] }
                        above = UnsafePointer(row)
                    }
                }
            }
            initialized = 3 * plane
        }
    }

    /// PyTorch's adaptive-pooling window of output `i` for an `n` → `m` resize: inputs
    /// `start..<end`.
    @inline(__always)
    public static func window(_ i: Int, _ n: Int, _ m: Int) -> (start: Int, end: Int) {
        (i * n / m, ((i + 1) * n + m - 1) / m)
    }

    /// Resamples the region `x0..<x0+w`, `y0..<y0+h` to `outWidth` × `outHeight` and writes the
    /// normalised planes (3 × outHeight × outWidth, channel-major) to `dst`. Runs on the calling
    /// thread; several threads may resample one image at once.
    /// - Precondition: the region is non-empty and inside the image (a caller's bug otherwise).
    public func resample(x0: Int, y0: Int, w: Int, h: Int, outWidth ow: Int, outHeight oh: Int,
                         into dst: UnsafeMutablePointer<Float>) {
        precondition(x0 >= 0 && y0 >= 0 && w > 0 && h > 0 && x0 + w <= width && y0 + h <= height,
                     "area resample region out of the image")
        let pitch = width + 1, plane = (height + 1) * pitch
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * ow) { columns in
        withUnsafeTemporaryAllocation(of: Float.self, capacity: ow) { widths in
            let cs = columns.baseAddress!, ce = cs + ow, kw = widths.baseAddress!
            for i in 0..<ow {
                let (start, end) = Self.window(i, w, ow)
                (cs[i], ce[i]) = (x0 + start, x0 + end)
                kw[i] = Float(end - start)
            }
            table.withUnsafeBufferPointer { tp in
                for ch in 0..<3 {
                    let t = tp.baseAddress! + ch * plane
                    for j in 0..<oh {
                        let (r0, r1) = Self.window(j, h, oh)
                        let top = t + (y0 + r0) * pitch, bottom = t + (y0 + r1) * pitch
                        let kh = Float(r1 - r0)
                        let out = dst + (ch * oh + j) * ow
                        // The window sums (gathers), then the means and the normalisation in a
                        // separate loop that the compiler vectorises (divisions included).
                        for i in 0..<ow {
                            let (a, b) = (cs[i], ce[i])
                            out[i] = Float((bottom[b] &- bottom[a]) &- (top[b] &- top[a]))
                        }
                        for i in 0..<ow { out[i] = (out[i] / (kh * kw[i]) - 127.5) * 0.0078125 }
                    }
                }
            }
        }
        }
    }
}
