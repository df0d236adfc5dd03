import Foundation
import VisageImage
import VisageStore

/// Square face crops for contact sheets and gallery samples.
public enum FaceThumbnail {
    /// The side of a thumbnail in pixels.
    public static let side = 96

    /// The face's box grown by 25 % on each side, made square, cut out (black outside the
    /// image), resized to ``side`` × ``side`` and JPEG-encoded.
    /// - Parameters:
    ///   - image: the photo.
    ///   - box: the face's box in the photo.
    /// - Throws: ``ImageError`` from cropping, resizing or encoding.
    public static func jpeg(of image: Image, box: FaceBox) throws -> Data {
        let size = max(box.right - box.left, box.bottom - box.top) * 1.5
        let cx = (box.left + box.right) / 2, cy = (box.top + box.bottom) / 2
        let side = max(1, Int(min(size, 8192).rounded()))
        let x = Int((cx - Double(side) / 2).rounded()), y = Int((cy - Double(side) / 2).rounded())
        let crop = try image.extracted(x: x, y: y, width: side, height: side)
        let small = try crop.resized(width: Self.side, height: Self.side).converted(to: .rgb)
        return Data(try small.encoded(as: .jpeg()))
    }
}
