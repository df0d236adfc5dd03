/// Per-dimension scalar quantisation to one byte: component `j` is stored as a code `c` in
/// `0...255` and read back as `minimums[j] + c · (maximums[j] − minimums[j]) / 255`.
///
/// Values outside a dimension's range are clamped to it; searches re-rank their candidates in
/// float32, so clamping costs recall only for vectors far outside the range the quantiser saw.
public struct ScalarQuantizer: Equatable, Sendable {
    /// The lower bound of each dimension.
    public let minimums: [Float]
    /// The upper bound of each dimension.
    public let maximums: [Float]
    /// `(maximum − minimum) / 255` per dimension.
    let scales: [Float]

    /// The number of dimensions.
    public var dimension: Int { minimums.count }

    /// Creates a quantiser from explicit per-dimension bounds.
    /// - Throws: ``VectorIndexError/invalidQuantizer(dimension:)`` when a bound is not finite or
    ///   a maximum is below its minimum, ``VectorIndexError/invalidDimension(_:)`` when the
    ///   arrays are empty or differ in length.
    public init(minimums: [Float], maximums: [Float]) throws {
        guard !minimums.isEmpty, minimums.count == maximums.count,
              minimums.count <= VectorIndex.maximumDimension
        else { throw VectorIndexError.invalidDimension(minimums.count) }
        for j in 0..<minimums.count {
            let lo = minimums[j], hi = maximums[j]
            guard lo.isFinite, hi.isFinite, hi >= lo, (hi - lo).isFinite else {
                throw VectorIndexError.invalidQuantizer(dimension: j)
            }
        }
        self.minimums = minimums
        self.maximums = maximums
        self.scales = zip(minimums, maximums).map { ($1 - $0) / 255 }
    }

    /// A quantiser spanning the range of `vectors` in each dimension, widened by `margin` of the
    /// range on both sides so that later vectors slightly outside it are not clamped.
    /// - Parameters:
    ///   - vectors: `count × dimension` floats, row-major.
    ///   - dimension: the number of components per vector.
    ///   - margin: the fraction of each range added below and above (default 0.05).
    /// - Throws: ``VectorIndexError`` for an empty or ragged array or non-finite values.
    public static func fitted(to vectors: [Float], dimension: Int, margin: Float = 0.05) throws -> ScalarQuantizer {
        guard dimension >= 1, dimension <= VectorIndex.maximumDimension else {
            throw VectorIndexError.invalidDimension(dimension)
        }
        guard !vectors.isEmpty, vectors.count % dimension == 0 else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, elementCount: vectors.count)
        }
        var lo = [Float](repeating: .infinity, count: dimension)
        var hi = [Float](repeating: -.infinity, count: dimension)
        let rows = vectors.count / dimension
        vectors.withUnsafeBufferPointer { v in
            for r in 0..<rows {
                let row = v.baseAddress! + r * dimension
                for j in 0..<dimension {
                    lo[j] = Swift.min(lo[j], row[j])
                    hi[j] = Swift.max(hi[j], row[j])
                }
            }
        }
        for j in 0..<dimension {
            guard lo[j].isFinite, hi[j].isFinite else { throw VectorIndexError.nonFiniteVector(index: 0) }
            // A constant dimension still gets a small range so that later values can differ.
            let width = Swift.max(hi[j] - lo[j], Swift.max(abs(hi[j]), 1) * 1e-3)
            lo[j] -= width * margin
            hi[j] += width * margin
        }
        return try ScalarQuantizer(minimums: lo, maximums: hi)
    }

    /// Encodes one vector.
    @inline(__always)
    func encode(_ vector: UnsafePointer<Float>, into codes: UnsafeMutablePointer<UInt8>) {
        for j in 0..<minimums.count {
            let s = scales[j]
            let t = s > 0 ? ((vector[j] - minimums[j]) / s).rounded() : 0
            codes[j] = UInt8(Swift.min(Swift.max(t, 0), 255))
        }
    }

    /// The value a code stands for in dimension `j`.
    @inline(__always)
    func decode(_ code: UInt8, dimension j: Int) -> Float {
        minimums[j] + scales[j] * Float(code)
    }
}
