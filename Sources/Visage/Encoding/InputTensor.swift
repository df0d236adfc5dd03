import VisageImage
import VisageNN

/// Builds NCHW model inputs from images.
public enum InputTensor {
    /// Converts square images of one size to a [N, 3, size, size] tensor with a per-sample map
    /// `value = (Float(pixel) − mean[c]) / divisor`, computed in Float.
    /// - Parameters:
    ///   - images: RGB or grey images, all `size` × `size` (grey is replicated to RGB).
    ///   - mean: per-channel mean (R, G, B).
    ///   - divisor: the scale divisor.
    public static func planar(_ images: [Image], size: Int, mean: [Float] = [0, 0, 0], divisor: Float) -> Tensor {
        let plane = size * size
        var t = Tensor(shape: [images.count, 3, size, size])
        // One lookup table per channel: exactly (Float(k) − mean) / divisor.
        let tables = (0..<3).map { c in (0..<256).map { (Float($0) - mean[c]) / divisor } }
        t.storage.withUnsafeMutableBufferPointer { out in
            for (s, image) in images.enumerated() {
                precondition(image.width == size && image.height == size,
                             "input must be \(size)×\(size), got \(image.width)×\(image.height)")
                let ch = image.channels
                image.pixels.withUnsafeBufferPointer { px in
                    for c in 0..<3 {
                        let table = tables[c]
                        let dst = out.baseAddress! + (s * 3 + c) * plane
                        let src = ch == 1 ? 0 : c
                        for i in 0..<plane { dst[i] = table[Int(px[i * ch + src])] }
                    }
                }
            }
        }
        return t
    }
}
