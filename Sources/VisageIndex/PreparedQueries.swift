/// Queries in the forms the scan kernels need.
///
/// For int8 scans, query q's dot product with a decoded row x̂ (x̂_j = min_j + scale_j · c_j) is
/// `Σ q_j min_j + Σ (q_j scale_j) c_j`; the weights `q_j scale_j` are rounded to Int16 with a
/// per-query scale `s`, so the second sum is an integer dot product with the codes. The partial
/// distance `‖x̂‖² − 2 q·x̂` is then `norm + a · intDot + b` with `a = −2/s` and
/// `b = −2 Σ q_j min_j`.
struct PreparedQueries {
    let count: Int
    let dimension: Int
    let vectors: [Float]
    /// Int16 weights (int8 indexes only).
    private(set) var weights: [Int16] = []
    /// Float weights `q_j · scale_j` (int8 indexes only), for BLAS products with the codes.
    private(set) var floatWeights: [Float] = []
    /// Score coefficients per query: partial distance = norm + a · dot + b.
    private(set) var a: [Float]
    private(set) var b: [Float]

    init(_ vectors: [Float], dimension: Int, quantizer: ScalarQuantizer?) {
        self.vectors = vectors
        self.dimension = dimension
        count = vectors.count / dimension
        a = [Float](repeating: -2, count: count)
        b = [Float](repeating: 0, count: count)
        guard let quantizer else { return }
        // |weight| ≤ range keeps dimension × 255 × range below 2³¹ (and within Int16).
        let range = Float(Swift.min(32767, Int(Int32.max) / (dimension * 255)))
        weights = [Int16](repeating: 0, count: vectors.count)
        floatWeights = [Float](repeating: 0, count: vectors.count)
        var w = [Float](repeating: 0, count: dimension)
        for qi in 0..<count {
            var base: Float = 0, largest: Float = 0
            for j in 0..<dimension {
                let v = vectors[qi * dimension + j]
                base += v * quantizer.minimums[j]
                w[j] = v * quantizer.scales[j]
                largest = Swift.max(largest, abs(w[j]))
            }
            for j in 0..<dimension { floatWeights[qi * dimension + j] = w[j] }
            let s = largest > 0 ? range / largest : 1
            for j in 0..<dimension { weights[qi * dimension + j] = Int16((w[j] * s).rounded()) }
            a[qi] = -2 / s
            b[qi] = -2 * base
        }
    }
}
