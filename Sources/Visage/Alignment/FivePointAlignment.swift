import VisageImage

/// Aligns faces from five landmarks: the least-squares similarity transform that takes the
/// landmarks to a ``FivePointTemplate``, then a bilinear warp of the image into the template's size.
///
/// Output pixel (x, y) samples the image at T⁻¹(x, y) (integer coordinates at pixel centres, as
/// OpenCV's `warpAffine`); samples outside the image count as black.
public enum FivePointAlignment {
    /// The transform from image coordinates to template coordinates.
    /// - Throws: ``FivePointAlignmentError`` for a landmark count other than 5 or degenerate landmarks.
    public static func transform(landmarks: [SIMD2<Double>], template: FivePointTemplate) throws -> LandmarkSimilarity {
        guard landmarks.count == 5 else { throw FivePointAlignmentError.wrongLandmarkCount(landmarks.count) }
        return try LandmarkSimilarity.leastSquares(from: landmarks, to: template.points)
    }

    /// The aligned face: `template.width × template.height`, same pixel format as `image`.
    /// - Throws: ``FivePointAlignmentError`` as ``transform(landmarks:template:)``.
    public static func align(_ image: Image, landmarks: [SIMD2<Double>], template: FivePointTemplate) throws -> Image {
        let forward = try transform(landmarks: landmarks, template: template)
        guard let inverse = forward.inverse else { throw FivePointAlignmentError.degenerateLandmarks }
        return warp(image, inverse: inverse, width: template.width, height: template.height)
    }

    /// The aligned face of a detection (its landmarks must be MTCNN's five).
    /// - Throws: ``FivePointAlignmentError`` as ``transform(landmarks:template:)``.
    public static func align(_ image: Image, face: FaceDetection, template: FivePointTemplate) throws -> Image {
        try align(image, landmarks: face.landmarks, template: template)
    }

    /// Bilinear sampling of `image` at `inverse(x, y)` for every output pixel.
    static func warp(_ image: Image, inverse t: LandmarkSimilarity, width: Int, height: Int) -> Image {
        let c = image.channels, (iw, ih) = (image.width, image.height)
        var out = [UInt8](repeating: 0, count: width * height * c)
        guard iw > 0, ih > 0 else { return Image(width: width, height: height, format: image.format, pixels: out) }
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        let s = t.apply(SIMD2(Double(x), Double(y)))
                        guard s.x > -1, s.y > -1, s.x < Double(iw), s.y < Double(ih) else { continue }
                        let (x0, y0) = (Int(s.x.rounded(.down)), Int(s.y.rounded(.down)))
                        let (fx, fy) = (s.x - Double(x0), s.y - Double(y0))
                        // Weights of the four neighbours; those outside the image count as black.
                        let inX0 = x0 >= 0, inX1 = x0 + 1 < iw, inY0 = y0 >= 0, inY1 = y0 + 1 < ih
                        let w00 = inX0 && inY0 ? (1 - fx) * (1 - fy) : 0, w10 = inX1 && inY0 ? fx * (1 - fy) : 0
                        let w01 = inX0 && inY1 ? (1 - fx) * fy : 0, w11 = inX1 && inY1 ? fx * fy : 0
                        let (cx0, cx1) = (max(x0, 0), min(x0 + 1, iw - 1)), (cy0, cy1) = (max(y0, 0), min(y0 + 1, ih - 1))
                        let (r0, r1) = (cy0 * iw, cy1 * iw)
                        let o = (y * width + x) * c
                        for ch in 0..<c {
                            let v = w00 * Double(src[(r0 + cx0) * c + ch]) + w10 * Double(src[(r0 + cx1) * c + ch])
                                + w01 * Double(src[(r1 + cx0) * c + ch]) + w11 * Double(src[(r1 + cx1) * c + ch])
                            dst[o + ch] = UInt8(min(max(v.rounded(), 0), 255))
                        }
                    }
                }
            }
        }
        return Image(width: width, height: height, format: image.format, pixels: out)
    }
}
