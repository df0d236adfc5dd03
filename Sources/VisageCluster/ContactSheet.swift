import Foundation
import VisageImage

/// A grid of face thumbnails on a dark background, the first one optionally framed.
public enum ContactSheet {
    /// Thumbnails per row.
    public static let columns = 10
    /// The most thumbnails drawn on one sheet.
    public static let maximumFaces = 100
    /// Pixels between and around thumbnails.
    public static let gap = 6

    /// Draws up to ``maximumFaces`` thumbnails in rows of ``columns``.
    /// - Parameters:
    ///   - thumbnails: JPEG or PNG bytes; undecodable ones are drawn as grey tiles.
    ///   - framedFirst: frame the first thumbnail (the group's representative) in amber.
    /// - Returns: an RGB image (a single gap-sized tile when there is nothing to draw).
    /// - Throws: ``ImageError`` if a thumbnail cannot be resized.
    public static func render(_ thumbnails: [Data], framedFirst: Bool) throws -> Image {
        let side = FaceThumbnail.side, cell = side + gap
        let shown = min(thumbnails.count, maximumFaces)
        let cols = max(1, min(columns, shown)), rows = max(1, (shown + cols - 1) / cols)
        var sheet = Image(width: gap + cols * cell, height: gap + rows * cell, format: .rgb, fill: 38)
        for i in 0..<shown {
            let x = gap + (i % cols) * cell, y = gap + (i / cols) * cell
            if i == 0 && framedFirst { fill(&sheet, x: x - 3, y: y - 3, width: side + 6, height: side + 6, rgb: (255, 191, 0)) }
            guard let tile = try? Image.decode(data: thumbnails[i]) else {
                fill(&sheet, x: x, y: y, width: side, height: side, rgb: (110, 110, 110))
                continue
            }
            let rgb = tile.converted(to: .rgb)
            let fitted = rgb.width == side && rgb.height == side ? rgb : try rgb.resized(width: side, height: side)
            paste(fitted, into: &sheet, x: x, y: y)
        }
        return sheet
    }

    private static func fill(_ image: inout Image, x: Int, y: Int, width: Int, height: Int, rgb: (UInt8, UInt8, UInt8)) {
        let w = image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            for row in max(0, y)..<min(image.height, y + height) {
                for col in max(0, x)..<min(w, x + width) {
                    let o = (row * w + col) * 3
                    p[o] = rgb.0; p[o + 1] = rgb.1; p[o + 2] = rgb.2
                }
            }
        }
    }

    private static func paste(_ tile: Image, into image: inout Image, x: Int, y: Int) {
        let w = image.width
        image.pixels.withUnsafeMutableBufferPointer { p in
            tile.pixels.withUnsafeBufferPointer { t in
                for row in 0..<tile.height where y + row < image.height {
                    let count = min(tile.width, w - x) * 3
                    guard count > 0 else { continue }
                    let dst = ((y + row) * w + x) * 3, src = row * tile.width * 3
                    for k in 0..<count { p[dst + k] = t[src + k] }
                }
            }
        }
    }
}
