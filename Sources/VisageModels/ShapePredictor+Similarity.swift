/// The 2×2 linear part of a similarity transform, in f32 (row-major `m00 m01 / m10 m11`).
struct SimilarityMatrix {
    var m00: Float
    var m01: Float
    var m10: Float
    var m11: Float
}

extension ShapePredictor {
    /// The linear part of the least-squares similarity transform (rotation + uniform scale, as
    /// dlib's Umeyama `find_similarity_transform`) mapping the points of `from` onto `to`,
    /// computed in double and cast to f32. With one landmark it is the identity, as in dlib.
    /// - Parameters:
    ///   - from: interleaved `x, y` f32 points.
    ///   - to: interleaved `x, y` f32 points, same count.
    ///   - count: the number of points.
    func similarity(from: [Float], to: [Float], count: Int) -> SimilarityMatrix {
        guard count > 1 else { return SimilarityMatrix(m00: 1, m01: 0, m10: 0, m11: 1) }
        var mfx = 0.0, mfy = 0.0, mtx = 0.0, mty = 0.0
        for i in 0..<count {
            mfx += Double(from[2 * i])
            mfy += Double(from[2 * i + 1])
            mtx += Double(to[2 * i])
            mty += Double(to[2 * i + 1])
        }
        let n = Double(count)
        mfx /= n
        mfy /= n
        mtx /= n
        mty /= n
        var dot = 0.0, cross = 0.0, norm = 0.0
        for i in 0..<count {
            let fx = Double(from[2 * i]) - mfx, fy = Double(from[2 * i + 1]) - mfy
            let tx = Double(to[2 * i]) - mtx, ty = Double(to[2 * i + 1]) - mty
            dot += fx * tx + fy * ty
            cross += fx * ty - fy * tx
            norm += fx * fx + fy * fy
        }
        guard norm > 0 else { return SimilarityMatrix(m00: 1, m01: 0, m10: 0, m11: 1) }
        let a = Float(dot / norm), b = Float(cross / norm)
        return SimilarityMatrix(m00: a, m01: -b, m10: b, m11: a)
    }
}
