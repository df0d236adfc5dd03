import Foundation
import VisageImage
import VisageNN

// dlib's tiled image pyramid (input_rgb_image_pyramid<pyramid_down<6>>), as one NCHW tensor
// [1, 3, NR, NC]: level 0 (the image) top-left, each next level 5/6 the size of the one before,
// stacked down a first column then up a right-aligned second column, `padding` zeros between
// levels and `outerPadding` zeros around everything. Level i is a bilinear resize of level i − 1
// (already normalised), exactly as dlib's CPU `resize_bilinear` computes it.

/// The layout of dlib's tiled image pyramid (`input_rgb_image_pyramid<pyramid_down<6>>`) for one
/// image size, the tensor it fills, and the mapping of tensor rectangles back to the image.
public struct TiledPyramid: Sendable, Equatable {
    /// Each level's rectangle in the tensor (inclusive), level 0 first.
    public let levels: [PixelRect]
    /// Tensor rows (NR).
    public let rows: Int
    /// Tensor columns (NC).
    public let cols: Int

    /// The smallest level height dlib keeps.
    private static let minimumHeight = 5

    /// dlib's `compute_tiled_image_pyramid_details` for pyramid_down<6>.
    /// - Parameters:
    ///   - height: image rows.
    ///   - width: image columns.
    ///   - padding: zeros between levels (10).
    ///   - outerPadding: zeros around the tiling (11).
    public init(height: Int, width: Int, padding: Int = 10, outerPadding: Int = 11) {
        guard height > 0, width > 0 else {
            self.levels = []
            self.rows = 0
            self.cols = 0
            return
        }
        var sizes = [(h: height, w: width)]
        let rate = (6 - 1.0) / 6
        var (h, w) = (height, width)
        while true {
            h = Int((rate * Double(h)).rounded(.down))
            w = Int((rate * Double(w)).rounded(.down))
            if h * w == 0 || h < Self.minimumHeight { break }
            sizes.append((h, w))
        }
        let total = sizes.reduce(0) { $0 + $1.h + padding } - 2 * padding
        // The first column goes down until the next level fits beside the previous one and the
        // column is at least half of what is left.
        var columnHeight = 0
        var previousWidth = 0
        for s in sizes {
            if s.w <= width - previousWidth - padding && 2 * (columnHeight - height) >= total - height { break }
            columnHeight += s.h + padding
            previousWidth = s.w
        }
        columnHeight -= padding
        var rects: [PixelRect] = []
        var y = outerPadding
        var i = 0
        while y < columnHeight + outerPadding && i < sizes.count {
            rects.append(PixelRect(left: outerPadding, top: y, right: outerPadding + sizes[i].w - 1,
                                   bottom: y + sizes[i].h - 1))
            y += sizes[i].h + padding
            i += 1
        }
        y -= padding
        // The second column, bottom-up and right-aligned, until it would touch level 0.
        while i < sizes.count {
            let right = outerPadding + width - 1, bottom = y - 1
            let rect = PixelRect(left: right - sizes[i].w + 1, top: bottom - sizes[i].h + 1, right: right, bottom: bottom)
            if !rect.intersection(rects[0]).isEmpty { break }
            rects.append(rect)
            y -= sizes[i].h + padding
            i += 1
        }
        self.levels = rects
        self.rows = columnHeight + 2 * outerPadding
        self.cols = width + 2 * outerPadding
    }

    /// The pyramid tensor [1, 3, rows, cols] of an image: level 0 is `(pixel − mean[c]) / 256`,
    /// gray images replicated to RGB; zero outside the levels.
    /// - Parameters:
    ///   - image: an image of the size the layout was made for.
    ///   - mean: the per-channel means (R, G, B).
    public func tensor(for image: Image, mean: [Float]) -> Tensor {
        // `fill` writes every element, zeros included.
        Tensor(shape: [1, 3, rows, cols], storage: [Float](unsafeUninitializedCapacity: 3 * rows * cols) { buf, n in
            fill(buf.baseAddress!, for: image, mean: mean)
            n = 3 * rows * cols
        })
    }

    /// Writes the pyramid tensor's `3 × rows × cols` elements (as ``tensor(for:mean:)``, zeros
    /// included) to `base`, e.g. straight into a network's input buffer.
    public func fill(_ base: UnsafeMutablePointer<Float>, for image: Image, mean: [Float]) {
        let (rows, cols) = (self.rows, self.cols)
        let plane = rows * cols
        base.initialize(repeating: 0, count: 3 * plane)
        guard let first = levels.first else { return }
        let levels = self.levels
        let ch = image.channels
        image.pixels.withUnsafeBufferPointer { px in
            for c in 0..<3 {
                let table = (0..<256).map { (Float($0) - mean[c]) / 256 }
                let src = ch == 1 ? 0 : c
                // An image of another size than the layout's is cut to level 0.
                for y in 0..<min(image.height, first.height) {
                    let row = base + c * plane + (first.top + y) * cols + first.left
                    let line = y * image.width * ch + src
                    for x in 0..<min(image.width, first.width) { row[x] = table[Int(px[line + x * ch])] }
                }
            }
        }
        let bits = UInt(bitPattern: base)
        // Each channel's levels depend only on that channel.
        Backend.parallelFor(3) { c in
            let planeBase = UnsafeMutablePointer<Float>(bitPattern: bits)! + c * plane
            for i in 1..<levels.count {
                DlibBilinear.resize(source: planeBase, sourceRect: levels[i - 1], into: planeBase,
                                    destinationRect: levels[i], rowStride: cols)
            }
        }
    }

    /// dlib's `tiled_pyramid_to_image`: a rectangle in tensor coordinates → image coordinates.
    ///
    /// The level is the one containing the rectangle's rounded centre, else the nearest; the
    /// corners are made relative to it and scaled up with `p ↦ 1.2·p + 0.3` once per level.
    public func imageRect(fromTensorRect r: RealRect) -> RealRect {
        guard !levels.isEmpty else { return r }
        let center = r.center
        let p = (x: (center.x + 0.5).rounded(.down), y: (center.y + 0.5).rounded(.down))
        var best = 0
        var bestDistance = Double.infinity
        for (i, level) in levels.enumerated() {
            let l = Double(level.left), t = Double(level.top), rr = Double(level.right), b = Double(level.bottom)
            if p.x >= l && p.x <= rr && p.y >= t && p.y <= b {
                best = i
                break
            }
            let nx = min(max(p.x, l), rr), ny = min(max(p.y, t), b)
            let d = ((nx - p.x) * (nx - p.x) + (ny - p.y) * (ny - p.y)).squareRoot()
            if d < bestDistance {
                bestDistance = d
                best = i
            }
        }
        let origin = levels[best]
        var tl = (x: r.left - Double(origin.left), y: r.top - Double(origin.top))
        var br = (x: r.right - Double(origin.left), y: r.bottom - Double(origin.top))
        let ratio = 6 / (6 - 1.0)
        for _ in 0..<best {
            tl = (tl.x * ratio + 0.3, tl.y * ratio + 0.3)
            br = (br.x * ratio + 0.3, br.y * ratio + 0.3)
        }
        return RealRect(left: tl.x, top: tl.y, right: br.x, bottom: br.y)
    }
}
