import Foundation
import VisageImage

extension Image {
    /// A randomly perturbed copy, exactly as dlib's `jitter_image` (used by
    /// `compute_face_descriptor(..., num_jitters)`): a crop of the centre shrunk by 3 pixels,
    /// shifted by up to ±2 %, scaled by 0.97…0.99999, rotated by up to ±3°, resampled to the
    /// same size with ``extractChip(_:)``, then mirrored left-right with probability ½.
    ///
    /// Draws 10 outputs from `rng` (translation y before x, as dlib's binary evaluates them).
    /// dlib requires a square image; other sizes are processed the same way.
    /// - Parameter rng: the generator; its state advances.
    /// - Returns: an image of the same size and format (empty stays empty).
    public func jittered(using rng: inout DlibRandom) -> Image {
        guard width > 0, height > 0 else { return self }
        let rect = PixelRect(left: 3, top: 3, right: width - 4, bottom: height - 4)
        let ty = rng.nextDouble(in: -0.02, 0.02) * Double(rect.height)
        let tx = rng.nextDouble(in: -0.02, 0.02) * Double(rect.width)
        let scale = rng.nextDouble(in: 0.97, 0.99999)
        let box = Int(Double(rect.height) / scale)
        let cx = (rect.left + rect.right + 1) / 2 + Int((tx + 0.5).rounded(.down))
        let cy = (rect.top + rect.bottom + 1) / 2 + Int((ty + 0.5).rounded(.down))
        let crop = PixelRect(left: cx - box / 2, top: cy - box / 2, right: cx - box / 2 + box - 1, bottom: cy - box / 2 + box - 1)
        let angle = rng.nextDouble(in: -3, 3) * Double.pi / 180
        let chip = extractChip(FaceChipDetails(rect: RealRect(crop), angle: angle, rows: height, cols: width))
        return rng.nextDouble() > 0.5 ? chip.mirrored() : chip
    }

    /// The image flipped left-right.
    func mirrored() -> Image {
        let ch = channels
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                let src = (y * width + x) * ch, dst = (y * width + (width - 1 - x)) * ch
                for k in 0..<ch { out[dst + k] = pixels[src + k] }
            }
        }
        return Image(width: width, height: height, format: format, pixels: out)
    }
}
