import Foundation
import VisageImage

extension Image {
    /// Cuts out an aligned chip exactly as dlib's `extract_image_chip` (bilinear) does, which is
    /// what `dlib.get_face_chip` and `compute_face_descriptor` use.
    ///
    /// For large source rectangles dlib first builds `pyramid_down<2>` levels (5-tap integer
    /// filter) of a crop around the rotated rectangle and samples the smallest level still larger
    /// than the chip. Samples are bilinear in double and truncated to 8 bits; samples outside the
    /// crop are black. Gray images give gray chips (identical to each channel of the RGB chip of
    /// the same image replicated to RGB).
    /// - Parameter details: the rectangle, angle and chip size.
    /// - Returns: a `details.cols × details.rows` image in this image's format.
    public func extractChip(_ details: FaceChipDetails) -> Image {
        let rows = max(details.rows, 0), cols = max(details.cols, 0)
        let r = details.rect
        guard rows > 0, cols > 0, !r.isEmpty else { return Image(width: cols, height: rows, format: format) }
        if details.angle == 0 && Double(rows) == r.height && Double(cols) == r.width {
            return copyRect(PixelRect(left: lround(r.left), top: lround(r.top), right: lround(r.right), bottom: lround(r.bottom)))
        }
        let size = Double(rows * cols)
        // How deep the pyramid must go, and the margin it needs around the rotated rectangle.
        var depth = 0
        var grow = 2.0
        var down = r.pyramidDown()
        while down.area > size {
            down = down.pyramidDown()
            depth += 1
            grow = grow * 2 + 2
        }
        let corners = [RealPoint(x: r.left, y: r.top), RealPoint(x: r.right, y: r.top),
                       RealPoint(x: r.left, y: r.bottom), RealPoint(x: r.right, y: r.bottom)]
            .map { $0.rotated(about: r.center, by: details.angle) }
        let xs = corners.map(\.x), ys = corners.map(\.y)
        let grown = RealRect(left: xs.reduce(.infinity, min) - grow, top: ys.reduce(.infinity, min) - grow,
                             right: xs.reduce(-.infinity, max) + grow, bottom: ys.reduce(-.infinity, max) + grow)
        let clipped = RealRect(left: max(grown.left, 0), top: max(grown.top, 0),
                               right: min(grown.right, Double(width - 1)), bottom: min(grown.bottom, Double(height - 1)))
        let box = PixelRect(left: lround(clipped.left), top: lround(clipped.top),
                            right: lround(clipped.right), bottom: lround(clipped.bottom))
        guard !box.isEmpty else { return Image(width: cols, height: rows, format: format) }

        var source = copyRect(box)
        var level = RealRect(left: r.left - Double(box.left), top: r.top - Double(box.top),
                             right: r.right - Double(box.left), bottom: r.bottom - Double(box.top))
        while level.pyramidDown().area > size {
            level = level.pyramidDown()
            source = source.pyramidDown2()
        }
        // The affine map sending chip corners (0,0), (cols−1,0), (0,rows−1) to the rotated corners.
        let c = level.center
        let tl = RealPoint(x: level.left, y: level.top).rotated(about: c, by: details.angle)
        let tr = RealPoint(x: level.right, y: level.top).rotated(about: c, by: details.angle)
        let bl = RealPoint(x: level.left, y: level.bottom).rotated(about: c, by: details.angle)
        let sx = cols > 1 ? Double(cols - 1) : .infinity
        let sy = rows > 1 ? Double(rows - 1) : .infinity
        let map = ChipMap(m00: (tr.x - tl.x) / sx, m01: (bl.x - tl.x) / sy, m10: (tr.y - tl.y) / sx,
                          m11: (bl.y - tl.y) / sy, bx: tl.x, by: tl.y)
        return source.sampleBilinear(map, rows: rows, cols: cols)
    }

    /// The pixels of `rect` (inclusive, inside the image) as a new image.
    func copyRect(_ rect: PixelRect) -> Image {
        let ch = channels
        var out = [UInt8](repeating: 0, count: rect.width * rect.height * ch)
        let area = rect.intersection(PixelRect(left: 0, top: 0, right: width - 1, bottom: height - 1))
        if !area.isEmpty {
            let rowBytes = area.width * ch
            for y in area.top...area.bottom {
                let src = (y * width + area.left) * ch
                let dst = ((y - rect.top) * rect.width + (area.left - rect.left)) * ch
                out.replaceSubrange(dst..<(dst + rowBytes), with: pixels[src..<(src + rowBytes)])
            }
        }
        return Image(width: rect.width, height: rect.height, format: format, pixels: out)
    }
}

/// Chip pixel → source point: `(m00·x + m01·y) + bx`, `(m10·x + m11·y) + by` (dlib's affine order).
struct ChipMap {
    var m00, m01, m10, m11, bx, by: Double
}

extension RealRect {
    /// pyramid_down<2>'s `rect_down`: both corners `p ↦ p/2 − (1.25, 0.75)`.
    func pyramidDown() -> RealRect {
        RealRect(left: left / 2 - 1.25, top: top / 2 - 0.75, right: right / 2 - 1.25, bottom: bottom / 2 - 0.75)
    }
}

extension RealPoint {
    /// dlib's `rotate_point`: `Rot(angle)·(p − center) + center`.
    func rotated(about center: RealPoint, by angle: Double) -> RealPoint {
        let s = sin(angle), c = cos(angle)
        let dx = x - center.x, dy = y - center.y
        return RealPoint(x: (c * dx - s * dy) + center.x, y: (s * dx + c * dy) + center.y)
    }
}
