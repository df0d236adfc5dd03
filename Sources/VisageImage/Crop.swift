extension Image {
    /// Returns the part of the image inside a rectangle, clamped to the image.
    ///
    /// The rectangle is intersected with the image bounds, so a rectangle hanging over an edge
    /// gives a smaller result and one entirely outside gives a 0×0 image.
    /// - Parameters:
    ///   - x: left edge (may be negative).
    ///   - y: top edge (may be negative).
    ///   - width: rectangle width.
    ///   - height: rectangle height.
    /// - Returns: the intersection's pixels.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        let x0 = min(max(x, 0), width), y0 = min(max(y, 0), height)
        let x1 = min(max(x.addingClamped(w), x0), width), y1 = min(max(y.addingClamped(h), y0), height)
        guard x1 > x0, y1 > y0 else { return Image(width: 0, height: 0, format: format) }
        return copyRect(x0: x0, y0: y0, x1: x1, y1: y1, into: Image(width: x1 - x0, height: y1 - y0, format: format),
                        at: (0, 0))
    }

    /// Returns exactly `width`×`height` pixels from a rectangle that may extend past the image,
    /// filling the outside with `fill` (in every channel).
    /// - Parameters:
    ///   - x: left edge (may be negative).
    ///   - y: top edge (may be negative).
    ///   - width: output width (≥ 0).
    ///   - height: output height (≥ 0).
    ///   - fill: the value of pixels outside the image; 0 (black) by default.
    /// - Returns: the rectangle's pixels.
    /// - Throws: ``ImageError/invalidArgument(_:)`` for a negative or overflowing size.
    public func extracted(x: Int, y: Int, width w: Int, height h: Int, fill: UInt8 = 0) throws -> Image {
        _ = try Image.byteCount(width: w, height: h, format: format)
        let canvas = Image(width: w, height: h, format: format, fill: fill)
        let x0 = min(max(x, 0), width), y0 = min(max(y, 0), height)
        let x1 = min(max(x.addingClamped(w), x0), width), y1 = min(max(y.addingClamped(h), y0), height)
        guard x1 > x0, y1 > y0 else { return canvas }
        return copyRect(x0: x0, y0: y0, x1: x1, y1: y1, into: canvas, at: (x0 - x, y0 - y))
    }

    /// Copies source rows `y0..<y1`, columns `x0..<x1` into `canvas` at `origin`.
    private func copyRect(x0: Int, y0: Int, x1: Int, y1: Int, into canvas: Image, at origin: (Int, Int)) -> Image {
        var canvas = canvas
        let c = channels, rowBytes = (x1 - x0) * c
        pixels.withUnsafeBufferPointer { src in
            canvas.pixels.withUnsafeMutableBufferPointer { dst in
                for row in 0..<(y1 - y0) {
                    let s = ((y0 + row) * width + x0) * c
                    let d = ((origin.1 + row) * canvas.width + origin.0) * c
                    _ = UnsafeMutableBufferPointer(rebasing: dst[d..<(d + rowBytes)])
                        .update(fromContentsOf: UnsafeBufferPointer(rebasing: src[s..<(s + rowBytes)]))
                }
            }
        }
        return canvas
    }
}

extension Int {
    /// `self + other`, saturating instead of overflowing (rectangles from hostile input).
    fileprivate func addingClamped(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
