/// Distances between embeddings, accumulated in double precision.
public enum EmbeddingDistance: String, Sendable, Codable, CaseIterable {
    /// ‖a − b‖ (Euclidean, not squared).
    case euclidean
    /// 1 − a·b / (‖a‖ ‖b‖) (0 for identical directions, 2 for opposite; 1 if either is zero).
    case cosine

    /// The distance between two embeddings of the same length.
    /// - Throws: ``EvalError/invalidArgument(_:)`` when the lengths differ.
    public func callAsFunction(_ a: [Float], _ b: [Float]) throws -> Double {
        guard a.count == b.count else {
            throw EvalError.invalidArgument("embeddings of different sizes: \(a.count) and \(b.count)")
        }
        var dot = 0.0, aa = 0.0, bb = 0.0, squared = 0.0
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                for i in 0..<x.count {
                    let u = Double(x[i]), v = Double(y[i])
                    dot += u * v; aa += u * u; bb += v * v
                    squared += (u - v) * (u - v)
                }
            }
        }
        switch self {
        case .euclidean: return squared.squareRoot()
        case .cosine: return aa > 0 && bb > 0 ? 1 - dot / (aa * bb).squareRoot() : 1
        }
    }
}
