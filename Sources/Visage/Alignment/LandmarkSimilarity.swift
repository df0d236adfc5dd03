/// A 2-D similarity transform `p ↦ [[a, −b], [b, a]]·p + (tx, ty)`: rotation, uniform scale and
/// translation, fitted to point pairs by least squares.
public struct LandmarkSimilarity: Sendable, Equatable {
    /// `scale · cos θ`.
    public var a: Double
    /// `scale · sin θ`.
    public var b: Double
    /// Horizontal translation.
    public var tx: Double
    /// Vertical translation.
    public var ty: Double

    /// Creates a transform from its parameters.
    public init(a: Double, b: Double, tx: Double, ty: Double) {
        self.a = a
        self.b = b
        self.tx = tx
        self.ty = ty
    }

    /// Maps a point.
    public func apply(_ p: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(a * p.x - b * p.y + tx, b * p.x + a * p.y + ty)
    }

    /// The uniform scale factor.
    public var scale: Double { (a * a + b * b).squareRoot() }

    /// The inverse transform, or `nil` when the scale is 0.
    public var inverse: LandmarkSimilarity? {
        let d = a * a + b * b
        guard d > 0, d.isFinite else { return nil }
        let (ia, ib) = (a / d, -b / d)
        return LandmarkSimilarity(a: ia, b: ib, tx: -(ia * tx - ib * ty), ty: -(ib * tx + ia * ty))
    }

    /// The similarity minimising Σ‖T(from[i]) − to[i]‖² (Umeyama's solution without reflection,
    /// which in 2-D has a closed form).
    /// - Throws: ``FivePointAlignmentError/degenerateLandmarks`` when the `from` points coincide
    ///   or are not finite, or the counts differ or are below 2.
    public static func leastSquares(from: [SIMD2<Double>], to: [SIMD2<Double>]) throws -> LandmarkSimilarity {
        guard from.count == to.count, from.count >= 2,
              (from + to).allSatisfy({ $0.x.isFinite && $0.y.isFinite }) else {
            throw FivePointAlignmentError.degenerateLandmarks
        }
        let n = Double(from.count)
        let mf = from.reduce(SIMD2<Double>.zero, +) / n, mt = to.reduce(SIMD2<Double>.zero, +) / n
        var dot = 0.0, cross = 0.0, norm = 0.0
        for (f, t) in zip(from, to) {
            let (p, q) = (f - mf, t - mt)
            dot += p.x * q.x + p.y * q.y
            cross += p.x * q.y - p.y * q.x
            norm += p.x * p.x + p.y * p.y
        }
        guard norm > 1e-12 else { throw FivePointAlignmentError.degenerateLandmarks }
        let (a, b) = (dot / norm, cross / norm)
        return LandmarkSimilarity(a: a, b: b, tx: mt.x - (a * mf.x - b * mf.y), ty: mt.y - (b * mf.x + a * mf.y))
    }
}
