import VisageNN
import VisageStore

/// A face recognised as a gallery person.
public struct KnownFace: Sendable, Equatable {
    /// The person's name.
    public var name: String
    /// Euclidean distance to the person's nearest sample.
    public var distance: Float
}

/// Labels faces with the gallery person whose nearest sample is under the threshold.
public enum GalleryMatcher {
    /// For each face, the nearest gallery sample's owner when closer than `threshold`.
    ///
    /// Distances come from blocks of `faces · galleryᵀ` (BLAS sgemm).
    /// - Parameters:
    ///   - faces: the faces' embeddings.
    ///   - gallery: every stored embedding (`Gallery.allEmbeddings()`).
    ///   - threshold: the largest distance accepted (exclusive).
    /// - Returns: one entry per face; all `nil` when the gallery is empty or of another dimension.
    public static func match(_ faces: EmbeddingMatrix, gallery: GalleryEmbeddings, threshold: Float) -> [KnownFace?] {
        let n = faces.count, m = gallery.count, d = faces.dimension
        var result = [KnownFace?](repeating: nil, count: n)
        guard n > 0, m > 0, gallery.dimension == d else { return result }
        let faceNorms = faces.squaredNorms()
        guard let galleryMatrix = try? EmbeddingMatrix(values: gallery.matrix, dimension: d) else { return result }
        let galleryNorms = galleryMatrix.squaredNorms()
        let block = 256
        var products = [Float](repeating: 0, count: min(block, n) * m)
        faces.values.withUnsafeBufferPointer { f in
            gallery.matrix.withUnsafeBufferPointer { g in
                products.withUnsafeMutableBufferPointer { c in
                    var r0 = 0
                    while r0 < n {
                        let rows = min(block, n - r0)
                        Gemm.sgemm(transB: true, m: rows, n: m, k: d, a: f.baseAddress! + r0 * d, lda: d,
                                   b: g.baseAddress!, ldb: d, c: c.baseAddress!, ldc: m)
                        for r in 0..<rows {
                            var best = -1, bestD2 = Float.infinity
                            for j in 0..<m {
                                let d2 = faceNorms[r0 + r] + galleryNorms[j] - 2 * c[r * m + j]
                                if d2 < bestD2 { bestD2 = d2; best = j }
                            }
                            let distance = max(bestD2, 0).squareRoot()
                            if best >= 0, distance < threshold {
                                result[r0 + r] = KnownFace(name: gallery.names[best], distance: distance)
                            }
                        }
                        r0 += rows
                    }
                }
            }
        }
        return result
    }
}
