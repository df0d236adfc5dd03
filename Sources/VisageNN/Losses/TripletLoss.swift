// Layout: anchor, positive and negative are [M, D]: M triplets of D-dimensional encodings.

/// The triplet loss of FaceNet, exactly as the course writes it:
/// `J = Σᵢ max(‖f(Aᵢ) − f(Pᵢ)‖² − ‖f(Aᵢ) − f(Nᵢ)‖² + α, 0)`.
public struct TripletLoss: Sendable {
    /// The margin α.
    public var alpha: Float

    /// Creates the loss; the course's margin is 0.2.
    public init(alpha: Float = 0.2) { self.alpha = alpha }

    /// The per-triplet terms of one evaluation.
    public struct Terms: Sendable, Equatable {
        /// ‖A − P‖² per triplet.
        public var positiveDistance: [Float]
        /// ‖A − N‖² per triplet.
        public var negativeDistance: [Float]
        /// `positive − negative + α` per triplet (before the clamp at 0).
        public var basic: [Float]
        /// `Σ max(basic, 0)`.
        public var loss: Float
        /// The fraction of triplets with a non-zero loss.
        public var activeFraction: Float { basic.isEmpty ? 0 : Float(basic.filter { $0 > 0 }.count) / Float(basic.count) }
    }

    /// Evaluates the loss.
    /// - Parameters:
    ///   - anchor: [M, D] anchor encodings.
    ///   - positive: [M, D] encodings of the same identities.
    ///   - negative: [M, D] encodings of other identities.
    public func evaluate(anchor: Tensor, positive: Tensor, negative: Tensor) -> Terms {
        precondition(anchor.shape == positive.shape && anchor.shape == negative.shape && anchor.rank == 2,
                     "triplet tensors must share one [M, D] shape")
        let m = anchor.shape[0], d = anchor.shape[1]
        var terms = Terms(positiveDistance: [], negativeDistance: [], basic: [], loss: 0)
        for i in 0..<m {
            var pos: Float = 0, neg: Float = 0
            for j in 0..<d {
                let a = anchor.storage[i * d + j]
                let dp = a - positive.storage[i * d + j]
                let dn = a - negative.storage[i * d + j]
                pos += dp * dp
                neg += dn * dn
            }
            let basic = pos - neg + alpha
            terms.positiveDistance.append(pos)
            terms.negativeDistance.append(neg)
            terms.basic.append(basic)
            terms.loss += max(basic, 0)
        }
        return terms
    }

    /// The loss value alone.
    public func callAsFunction(anchor: Tensor, positive: Tensor, negative: Tensor) -> Float {
        evaluate(anchor: anchor, positive: positive, negative: negative).loss
    }

    /// The gradient of `J` with respect to the three inputs (zero for inactive triplets):
    /// `∂J/∂A = 2(N − P)`, `∂J/∂P = 2(P − A)`, `∂J/∂N = 2(A − N)` where `basic > 0`.
    public func gradient(anchor: Tensor, positive: Tensor, negative: Tensor)
        -> (anchor: Tensor, positive: Tensor, negative: Tensor) {
        let terms = evaluate(anchor: anchor, positive: positive, negative: negative)
        let d = anchor.shape[1]
        var ga = Tensor(shape: anchor.shape), gp = ga, gn = ga
        for (i, b) in terms.basic.enumerated() where b > 0 {
            for j in 0..<d {
                let k = i * d + j
                let a = anchor.storage[k], p = positive.storage[k], n = negative.storage[k]
                ga.storage[k] = 2 * (n - p)
                gp.storage[k] = 2 * (p - a)
                gn.storage[k] = 2 * (a - n)
            }
        }
        return (ga, gp, gn)
    }
}
