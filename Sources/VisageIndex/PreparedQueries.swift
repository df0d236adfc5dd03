import CVisageKernels
import VisageNN

/// Queries in the forms the scan kernels need.
///
/// For int8 scans, query q's dot product with a decoded row x̂ (x̂_j = min_j + scale_j · c_j) is
/// `Σ q_j min_j + Σ (q_j scale_j) c_j`; the weights `q_j scale_j` are rounded to integers with
/// a per-query scale `s`, so the second sum is an integer dot product with the codes. The
/// partial distance `‖x̂‖² − 2 q·x̂` is then `norm + a · intDot + b` with `a = −2/s` and
/// `b = −2 Σ q_j min_j`.
///
/// The portable kernels take Int16 weights (stride `dimension`); the AVX2 kernel takes Int8
/// weights in −31...31 (stride ``byteWeightStride``, zero-padded), which its `vpmaddubsw`
/// products need to add up without overflow.
struct PreparedQueries {
    /// The largest Int8 weight of the AVX2 kernel (see `visage_int8_dots_avx2`).
    static let byteWeightLimit: Float = 31

    let count: Int
    let dimension: Int
    let vectors: [Float]
    /// Int16 weights (int8 indexes, portable kernels).
    private(set) var weights: [Int16] = []
    /// Int8 weights (int8 indexes, AVX2 kernel), `byteWeightStride` apart.
    private(set) var byteWeights: [Int8] = []
    /// The stride of ``byteWeights``.
    let byteWeightStride: Int
    /// Float weights `q_j · scale_j` (int8 indexes only), for BLAS products with the codes.
    private(set) var floatWeights: [Float] = []
    /// Score coefficients per query: partial distance = norm + a · dot + b.
    private(set) var a: [Float]
    private(set) var b: [Float]

    /// - Parameters:
    ///   - byteWeights: whether int8 indexes scan with the AVX2 kernel's Int8 weights.
    init(_ vectors: [Float], dimension: Int, quantizer: ScalarQuantizer?, byteWeights useBytes: Bool) {
        self.vectors = vectors
        self.dimension = dimension
        count = vectors.count / dimension
        byteWeightStride = Int(visage_int8_query_stride(Int32(dimension)))
        a = [Float](repeating: -2, count: count)
        b = [Float](repeating: 0, count: count)
        guard let quantizer else { return }
        // |weight| ≤ range keeps dimension × 255 × range below 2³¹ (and within Int16).
        let range = useBytes ? Self.byteWeightLimit : Float(Swift.min(32767, Int(Int32.max) / (dimension * 255)))
        // One query per iteration (threads write disjoint parts of buffers made for this, then
        // copied into the arrays): its offset term, its weights rounded with its own scale.
        let dimension = dimension, stride = byteWeightStride
        let aOut = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        let bOut = UnsafeMutableBufferPointer<Float>.allocate(capacity: count)
        let bytes = UnsafeMutableBufferPointer<Int8>.allocate(capacity: useBytes ? count * stride : 0)
        let shorts = UnsafeMutableBufferPointer<Int16>.allocate(capacity: useBytes ? 0 : vectors.count)
        let floats = UnsafeMutableBufferPointer<Float>.allocate(capacity: useBytes ? 0 : vectors.count)
        defer { [aOut, bOut].forEach { $0.deallocate() }; bytes.deallocate(); shorts.deallocate(); floats.deallocate() }
        bytes.initialize(repeating: 0)  // the padding past `dimension` stays zero
        vectors.withUnsafeBufferPointer { v in
            quantizer.minimums.withUnsafeBufferPointer { minimums in
                quantizer.scales.withUnsafeBufferPointer { scales in
                    Backend.parallelFor(count, elements: v.count * 4) { qi in
                        let q = v.baseAddress! + qi * dimension
                        var base: Float = 0, largest: Float = 0
                        for j in 0..<dimension {
                            base += q[j] * minimums[j]
                            largest = Swift.max(largest, abs(q[j] * scales[j]))
                        }
                        let s = largest > 0 ? range / largest : 1
                        for j in 0..<dimension {
                            let w = q[j] * scales[j]
                            if useBytes {
                                bytes[qi * stride + j] = Int8(Self.roundedToNearest(w * s))
                            } else {
                                floats[qi * dimension + j] = w
                                shorts[qi * dimension + j] = Int16(Self.roundedToNearest(w * s))
                            }
                        }
                        aOut[qi] = -2 / s
                        bOut[qi] = -2 * base
                    }
                }
            }
        }
        a = Array(aOut)
        b = Array(bOut)
        if useBytes { byteWeights = Array(bytes) } else { (weights, floatWeights) = (Array(shorts), Array(floats)) }
    }

    /// `x` rounded to the nearest integer, ties to even, for |x| < 2²² (the weights are at most
    /// 32,767): adding and subtracting 1.5 · 2²³ leaves no fraction bits. Inline arithmetic,
    /// where `rounded()` is a call into the C library per component on baseline x86-64.
    @inline(__always)
    static func roundedToNearest(_ x: Float) -> Float {
        let magic: Float = 12_582_912  // 1.5 · 2²³
        return (x + magic) - magic
    }
}
