import CVisageBLAS

/// Row-major single-precision matrix products through the back end.
public enum Gemm {
    /// `C = alpha · op(A) · op(B) + beta · C`, all row-major.
    /// - Parameters:
    ///   - transA: whether A is stored transposed (K × M instead of M × K).
    ///   - transB: whether B is stored transposed (N × K instead of K × N).
    ///   - m: rows of op(A) and C.
    ///   - n: columns of op(B) and C.
    ///   - k: the shared dimension.
    ///   - a: A's elements; `lda` is its row stride.
    ///   - b: B's elements; `ldb` is its row stride.
    ///   - c: C's elements; `ldc` is its row stride.
    @inlinable
    public static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, ldc: Int) {
        visage_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha,
                     a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
