import VisageImage

/// Draws a ``PlotScene`` into an RGB ``Image``: anti-aliased lines and circles (coverage from the
/// distance to the pixel centre) and bitmap-font text.
struct RasterRenderer {
    private let width: Int
    private let height: Int
    private var pixels: [UInt8]
    /// Per-pixel coverage of the polyline being drawn, so joints are not blended twice.
    private var mask: [Float]

    /// Renders a scene.
    static func render(_ scene: PlotScene) -> Image {
        var renderer = RasterRenderer(scene)
        for element in scene.elements { renderer.draw(element) }
        return Image(width: scene.width, height: scene.height, format: .rgb, pixels: renderer.pixels)
    }

    private init(_ scene: PlotScene) {
        width = scene.width
        height = scene.height
        let bg = scene.background
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = bg.red; pixels[3 * i + 1] = bg.green; pixels[3 * i + 2] = bg.blue
        }
        mask = [Float](repeating: 0, count: width * height)
    }

    private mutating func draw(_ element: SceneElement) {
        switch element {
        case .line(let points, let color, let lineWidth, let dashed):
            let pieces = dashed ? Self.dashes(points) : [points]
            stroke(pieces, width: lineWidth, color: color)
        case .rect(let x, let y, let w, let h, let color):
            fill(x0: Int(x.rounded()), y0: Int(y.rounded()), x1: Int((x + w).rounded()), y1: Int((y + h).rounded()), color: color)
        case .circle(let c, let r, let color):
            let x0 = max(Int((c.x - r - 1).rounded(.down)), 0), x1 = min(Int((c.x + r + 1).rounded(.up)), width)
            let y0 = max(Int((c.y - r - 1).rounded(.down)), 0), y1 = min(Int((c.y + r + 1).rounded(.up)), height)
            guard x0 < x1, y0 < y1 else { return }
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let dx = Double(x) + 0.5 - c.x, dy = Double(y) + 0.5 - c.y
                    blend(x, y, color, min(max(r + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1))
                }
            }
        case .text(let text, let at, let scale, let color, let anchor, let vertical):
            drawText(text, at: at, scale: max(scale, 1), color: color, anchor: anchor, vertical: vertical)
        }
    }

    /// Strokes polylines through a shared coverage mask, then blends once.
    private mutating func stroke(_ polylines: [[ScenePoint]], width lineWidth: Double, color: PlotColor) {
        let half = lineWidth / 2
        var bx0 = width, by0 = height, bx1 = 0, by1 = 0
        mask.withUnsafeMutableBufferPointer { m in
            for line in polylines {
                for k in 0..<max(line.count - 1, 0) {
                    let p = line[k], q = line[k + 1]
                    let x0 = max(Int((min(p.x, q.x) - half - 1).rounded(.down)), 0)
                    let x1 = min(Int((max(p.x, q.x) + half + 1).rounded(.up)), width)
                    let y0 = max(Int((min(p.y, q.y) - half - 1).rounded(.down)), 0)
                    let y1 = min(Int((max(p.y, q.y) + half + 1).rounded(.up)), height)
                    guard x0 < x1, y0 < y1 else { continue }
                    (bx0, by0, bx1, by1) = (min(bx0, x0), min(by0, y0), max(bx1, x1), max(by1, y1))
                    let dx = q.x - p.x, dy = q.y - p.y, length2 = dx * dx + dy * dy
                    for y in y0..<y1 {
                        for x in x0..<x1 {
                            let cx = Double(x) + 0.5 - p.x, cy = Double(y) + 0.5 - p.y
                            let t = length2 > 0 ? min(max((cx * dx + cy * dy) / length2, 0), 1) : 0
                            let ex = cx - t * dx, ey = cy - t * dy
                            let coverage = Float(min(max(half + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1))
                            let i = y * width + x
                            if coverage > m[i] { m[i] = coverage }
                        }
                    }
                }
            }
        }
        guard bx0 < bx1, by0 < by1 else { return }
        for y in by0..<by1 {
            for x in bx0..<bx1 where mask[y * width + x] > 0 {
                blend(x, y, color, Double(mask[y * width + x]))
                mask[y * width + x] = 0
            }
        }
    }

    /// Splits a polyline into its dashes.
    private static func dashes(_ points: [ScenePoint]) -> [[ScenePoint]] {
        var result: [[ScenePoint]] = []
        var current: [ScenePoint] = points.first.map { [$0] } ?? []
        var on = true, left = PlotScene.dash.on
        for k in 0..<max(points.count - 1, 0) {
            var p = points[k]
            let q = points[k + 1]
            var remaining = ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()
            while remaining > left {
                let f = left / remaining
                p = ScenePoint(x: p.x + f * (q.x - p.x), y: p.y + f * (q.y - p.y))
                remaining -= left
                if on { current.append(p); result.append(current) } else { current = [p] }
                on.toggle()
                left = on ? PlotScene.dash.on : PlotScene.dash.off
            }
            left -= remaining
            if on { current.append(q) }
        }
        if on, current.count > 1 { result.append(current) }
        return result
    }

    private mutating func drawText(_ text: String, at: ScenePoint, scale s: Int, color: PlotColor,
                                   anchor: TextAnchor, vertical: Bool) {
        let length = BitmapFont.width(of: text) * s
        let shift: Int
        switch anchor {
        case .start: shift = 0
        case .middle: shift = length / 2
        case .end: shift = length
        }
        let ax = Int(at.x.rounded()), ay = Int(at.y.rounded())
        for (index, character) in text.enumerated() {
            for (row, bits) in BitmapFont.rows(for: character).enumerated() {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    // Text coordinates: u along the text from the anchor, w from the baseline (down).
                    let u = (index * BitmapFont.advance + column) * s - shift
                    let w = (row - BitmapFont.glyphHeight) * s
                    if vertical {
                        fill(x0: ax + w, y0: ay - u - s, x1: ax + w + s, y1: ay - u, color: color)
                    } else {
                        fill(x0: ax + u, y0: ay + w, x1: ax + u + s, y1: ay + w + s, color: color)
                    }
                }
            }
        }
    }

    private mutating func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: PlotColor) {
        let xa = max(x0, 0), xb = min(x1, width), ya = max(y0, 0), yb = min(y1, height)
        guard xa < xb, ya < yb else { return }
        for y in ya..<yb {
            for x in xa..<xb {
                let i = 3 * (y * width + x)
                pixels[i] = color.red; pixels[i + 1] = color.green; pixels[i + 2] = color.blue
            }
        }
    }

    private mutating func blend(_ x: Int, _ y: Int, _ color: PlotColor, _ alpha: Double) {
        guard alpha > 0, x >= 0, y >= 0, x < width, y < height else { return }
        let i = 3 * (y * width + x)
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 {
            UInt8((Double(old) * (1 - alpha) + Double(new) * alpha).rounded())
        }
        pixels[i] = mix(pixels[i], color.red)
        pixels[i + 1] = mix(pixels[i + 1], color.green)
        pixels[i + 2] = mix(pixels[i + 2], color.blue)
    }
}
