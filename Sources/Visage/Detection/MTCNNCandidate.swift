// A candidate box and the box arithmetic of facenet-pytorch's `detect_face`, in Float32 and in
// the same order of operations so results match to the last bit where it matters (floors and
// truncations of coordinates).

/// A box under consideration, (x1, y1, x2, y2) in image pixels, with its score and the
/// regression offsets the last network gave it.
struct MTCNNCandidate {
    var x1: Float, y1: Float, x2: Float, y2: Float
    var score: Float
    var offsets: SIMD4<Float>

    /// P-Net's box for output cell (x, y) at a pyramid scale: a 12-pixel window, stride 2.
    static func cell(x: Int, y: Int, scale: Float, score: Float, offsets: SIMD4<Float>) -> MTCNNCandidate {
        let bx = Float(x), by = Float(y)
        return MTCNNCandidate(x1: ((2 * bx + 1) / scale).rounded(.down), y1: ((2 * by + 1) / scale).rounded(.down),
                              x2: ((2 * bx + 12) / scale).rounded(.down), y2: ((2 * by + 12) / scale).rounded(.down),
                              score: score, offsets: offsets)
    }

    /// The first stage's regression: offsets in units of x2 − x1 (no +1).
    mutating func regressWithoutPlusOne() {
        let w = x2 - x1, h = y2 - y1
        let o = offsets
        (x1, y1, x2, y2) = (x1 + o[0] * w, y1 + o[1] * h, x2 + o[2] * w, y2 + o[3] * h)
    }

    /// facenet-pytorch's `bbreg`: offsets in units of x2 − x1 + 1.
    mutating func regress() {
        let w = x2 - x1 + 1, h = y2 - y1 + 1
        let o = offsets
        (x1, y1, x2, y2) = (x1 + o[0] * w, y1 + o[1] * h, x2 + o[2] * w, y2 + o[3] * h)
    }

    /// facenet-pytorch's `rerec`: the square of side max(w, h) with the same centre.
    mutating func square() {
        let h = y2 - y1, w = x2 - x1
        let l = max(w, h)
        x1 = x1 + w * 0.5 - l * 0.5
        y1 = y1 + h * 0.5 - l * 0.5
        x2 = x1 + l
        y2 = y1 + l
    }

    /// facenet-pytorch's `pad` and crop: the truncated box clipped to the image, as the region
    /// `x0..<x0+w`, `y0..<y0+h`, or `nil` when nothing of it is inside.
    func cropRegion(width: Int, height: Int) -> (x0: Int, y0: Int, w: Int, h: Int)? {
        guard let ix1 = Self.truncated(x1), let iy1 = Self.truncated(y1),
              let ix2 = Self.truncated(x2), let iy2 = Self.truncated(y2) else { return nil }
        let x = max(ix1, 1), y = max(iy1, 1), ex = min(ix2, width), ey = min(iy2, height)
        guard ey > y - 1, ex > x - 1 else { return nil }
        return (x - 1, y - 1, ex - x + 1, ey - y + 1)
    }

    /// `trunc` then `int()`, or `nil` for a value no image coordinate can have.
    private static func truncated(_ v: Float) -> Int? {
        guard v.isFinite, abs(v) < 1e9 else { return nil }
        return Int(v.rounded(.towardZero))
    }
}
