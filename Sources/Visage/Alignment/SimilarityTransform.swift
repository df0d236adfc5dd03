import VisageImage

/// A 2-D similarity transform `p ↦ [[a, −b], [b, a]]·p + (tx, ty)` (rotation, uniform scale, translation).
struct SimilarityTransform {
    var a: Double
    var b: Double
    var tx: Double
    var ty: Double

    /// `M·p + t`, evaluated as dlib's `point_transform_affine`: `(m00·x + m01·y) + tx`.
    func apply(_ p: RealPoint) -> RealPoint {
        RealPoint(x: (a * p.x + -b * p.y) + tx, y: (b * p.x + a * p.y) + ty)
    }

    /// The least-squares similarity transform mapping `from` onto `to` (Umeyama without
    /// reflection, which in 2-D has this closed form). Falls back to the identity for fewer than
    /// two distinct points.
    static func leastSquares(from: [RealPoint], to: [RealPoint]) -> SimilarityTransform {
        let n = Double(from.count)
        var mfx = 0.0, mfy = 0.0, mtx = 0.0, mty = 0.0
        for (f, t) in zip(from, to) {
            mfx += f.x
            mfy += f.y
            mtx += t.x
            mty += t.y
        }
        mfx /= n
        mfy /= n
        mtx /= n
        mty /= n
        var dot = 0.0, cross = 0.0, norm = 0.0
        for (f, t) in zip(from, to) {
            let fx = f.x - mfx, fy = f.y - mfy, gx = t.x - mtx, gy = t.y - mty
            dot += fx * gx + fy * gy
            cross += fx * gy - fy * gx
            norm += fx * fx + fy * fy
        }
        guard norm > 0 else { return SimilarityTransform(a: 1, b: 0, tx: mtx - mfx, ty: mty - mfy) }
        let a = dot / norm, b = cross / norm
        return SimilarityTransform(a: a, b: b, tx: mtx - (a * mfx - b * mfy), ty: mty - (b * mfx + a * mfy))
    }
}
