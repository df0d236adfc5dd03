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

    /// Builds the tables of an image (gray images are read as R = G = B). The rows are cut into
    /// one horizontal part per thread; each part is built in one sweep as if it were the top of
    /// the image (each pixel row read once for its three channels, each table row from the one
    /// above it), then every part below the first gets the true sums of the rows above it added.
    public init(_ image: Image) {
        let (w, h, c) = (image.width, image.height, image.channels)
        width = w
        height = h
        let pitch = w + 1, plane = (h + 1) * pitch
        table = [UInt32](unsafeUninitializedCapacity: 3 * plane) { buf, initialized in
            let base = buf.baseAddress!
            for ch in 0..<3 { (base + ch * plane).initialize(repeating: 0, count: pitch) }
            let parts = h * w >= 1 << 16 ? max(1, min(Backend.threads, h)) : 1
            let bounds = (0...parts).map { $0 * h / parts }
            image.pixels.withUnsafeBufferPointer { px in
                let pixels = px.baseAddress!
                Backend.parallelFor(parts) { p in
                    for y in bounds[p]..<bounds[p + 1] {
                        // Table row y + 1 from pixel row y; a part's first row builds on row 0 (zeros).
                        let above = y == bounds[p] ? 0 : y * pitch
                        let red = base + (y + 1) * pitch, green = red + plane, blue = green + plane
                        let (ar, ag, ab) = (base + above, base + plane + above, base + 2 * plane + above)
                        let line = pixels + y * w * c
                        red[0] = 0
                        green[0] = 0
                        blue[0] = 0
                        if c == 1 {
                            var sum: UInt32 = 0
                            for x in 0..<w {
                                sum &+= UInt32(line[x])
                                (red[x + 1], green[x + 1], blue[x + 1]) = (sum &+ ar[x + 1], sum &+ ag[x + 1], sum &+ ab[x + 1])
                            }
                        } else {
                            var (r, g, b): (UInt32, UInt32, UInt32) = (0, 0, 0)
                            for x in 0..<w {
                                r &+= UInt32(line[3 * x])
                                g &+= UInt32(line[3 * x + 1])
                                b &+= UInt32(line[3 * x + 2])
                                (red[x + 1], green[x + 1], blue[x + 1]) = (r &+ ar[x + 1], g &+ ag[x + 1], b &+ ab[x + 1])
                            }
                        }
                    }
                }
            }
            if parts > 1 {
                // Part p's rows lack the true last row of part p − 1: fix the parts in order
                // of their last rows first, then the other rows of every part in parallel.
                for p in 1..<parts {
                    let last = base + bounds[p + 1] * pitch, offset = base + bounds[p] * pitch
                    for ch in 0..<3 {
                        for x in 0..<pitch { last[ch * plane + x] &+= offset[ch * plane + x] }
                    }
                }
                let rows = (1..<parts).flatMap { p in ((bounds[p] + 1)..<bounds[p + 1]).map { (y: $0, part: p) } }
                let chunk = max(1, (1 << 15) / pitch)
                Backend.parallelFor((rows.count + chunk - 1) / chunk) { t in
                    for k in (t * chunk)..<min(rows.count, (t + 1) * chunk) {
                        let (y, p) = rows[k]
                        let offset = base + bounds[p] * pitch, row = base + y * pitch
                        for ch in 0..<3 {
                            let (o, r) = (offset + ch * plane, row + ch * plane)
                            for x in 0..<pitch { r[x] &+= o[x] }
                        }
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

    /// The column windows of a resize of `w` columns from `x0` to `ow`: window starts, ends
    /// (table columns) and widths.
    private struct Columns {
        var starts: [Int] = [], ends: [Int] = [], widths: [Float] = []

        init(x0: Int, w: Int, ow: Int) {
            for i in 0..<ow {
                let (start, end) = AreaResampler.window(i, w, ow)
                starts.append(x0 + start)
                ends.append(x0 + end)
                widths.append(Float(end - start))
            }
        }
    }

    /// Writes output row `j` of every channel: the window sums between table rows `r0` and `r1`
    /// (offset `y0`) for the columns, normalised, to `dst + (ch · oh + j) · ow`.
    @inline(__always)
    private func writeRow(_ table: UnsafePointer<UInt32>, y0: Int, r0: Int, r1: Int, columns: Columns, j: Int, oh: Int,
                          into dst: UnsafeMutablePointer<Float>) {
        let pitch = width + 1, plane = (height + 1) * pitch, ow = columns.starts.count
        let kh = Float(r1 - r0)
        columns.starts.withUnsafeBufferPointer { cs in
        columns.ends.withUnsafeBufferPointer { ce in
        columns.widths.withUnsafeBufferPointer { kw in
            for ch in 0..<3 {
                let top = table + ch * plane + (y0 + r0) * pitch, bottom = table + ch * plane + (y0 + r1) * pitch
                let out = dst + (ch * oh + j) * ow
                // The window sums (gathers), then the means and the normalisation in a separate
                // loop that the compiler vectorises (divisions included).
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

    /// Resamples the region `x0..<x0+w`, `y0..<y0+h` to `outWidth` × `outHeight` and writes the
    /// normalised planes (3 × outHeight × outWidth, channel-major) to `dst`. Runs on the calling
    /// thread; several threads may resample one image at once.
    /// - Precondition: the region is non-empty and inside the image (a caller's bug otherwise).
    public func resample(x0: Int, y0: Int, w: Int, h: Int, outWidth ow: Int, outHeight oh: Int,
                         into dst: UnsafeMutablePointer<Float>) {
        precondition(x0 >= 0 && y0 >= 0 && w > 0 && h > 0 && x0 + w <= width && y0 + h <= height,
                     "area resample region out of the image")
        let columns = Columns(x0: x0, w: w, ow: ow)
        table.withUnsafeBufferPointer { tp in
            for j in 0..<oh {
                let (r0, r1) = Self.window(j, h, oh)
                writeRow(tp.baseAddress!, y0: y0, r0: r0, r1: r1, columns: columns, j: j, oh: oh, into: dst)
            }
        }
    }

    /// Resamples the whole image to several sizes at once (MTCNN's pyramid) in one sweep down
    /// the tables: every output row is made in the order of its window's last table row, so each
    /// table row comes from memory once for all the sizes (size by size, a 1 MP image's 12 MB
    /// of tables would be read about four times over). The sweep is cut into one part per
    /// thread, of about equal work.
    /// - Parameters:
    ///   - sizes: each output's height and width (both ≥ 1).
    ///   - planes: where each output's normalised planes go (3 × height × width, channel-major).
    public func resampleLevels(_ sizes: [(height: Int, width: Int)], into planes: [UnsafeMutablePointer<Float>]) {
        precondition(sizes.count == planes.count && sizes.allSatisfy { $0.height > 0 && $0.width > 0 },
                     "one non-empty size per output")
        let columns = sizes.map { Columns(x0: 0, w: width, ow: $0.width) }
        var rows: [(end: Int, level: Int, row: Int)] = []
        for (l, size) in sizes.enumerated() {
            for j in 0..<size.height { rows.append((Self.window(j, height, size.height).end, l, j)) }
        }
        rows.sort { ($0.end, $0.level) < ($1.end, $1.level) }
        // Cut the sweep where the work (output values) reaches each thread's share.
        let total = rows.reduce(0) { $0 + sizes[$1.level].width }
        let parts = total >= 1 << 15 ? Backend.threads : 1
        var cuts = [0]
        var done = 0
        for (k, r) in rows.enumerated() where cuts.count < parts {
            done += sizes[r.level].width
            if done * parts >= total * cuts.count { cuts.append(k + 1) }
        }
        while cuts.count <= parts { cuts.append(rows.count) }
        table.withUnsafeBufferPointer { tp in
            let table = tp.baseAddress!
            Backend.parallelFor(parts) { p in
                for k in cuts[p]..<cuts[p + 1] {
                    let (_, l, j) = rows[k]
                    let (r0, r1) = Self.window(j, height, sizes[l].height)
                    writeRow(table, y0: 0, r0: r0, r1: r1, columns: columns[l], j: j, oh: sizes[l].height,
                             into: planes[l])
                }
            }
        }
    }
}
