import VisageNN

/// How the negative of each anchor–positive pair is chosen inside a batch.
public enum NegativeSelection: String, Sendable, CaseIterable {
    /// FaceNet's semi-hard negatives: the nearest negative farther from the anchor than the
    /// positive (active when within the margin). When no negative is farther than the positive,
    /// the farthest negative (the rule of TensorFlow Addons' `triplet_semihard_loss`).
    case semiHard = "semi-hard"
    /// The nearest negative (can collapse the embedding early in training).
    case hardest
    /// A uniformly random negative.
    case random
}

/// One triplet, as row indices into a batch of embeddings.
public struct Triplet: Hashable, Sendable {
    /// The anchor's row.
    public var anchor: Int
    /// The positive's row (same identity).
    public var positive: Int
    /// The negative's row (another identity).
    public var negative: Int

    /// Creates a triplet.
    public init(anchor: Int, positive: Int, negative: Int) {
        self.anchor = anchor
        self.positive = positive
        self.negative = negative
    }
}

/// Online triplet mining inside a batch and the batch's triplet loss.
///
/// Every ordered anchor–positive pair of the batch (a ≠ p, same label) becomes one triplet
/// with a negative chosen by ``selection``. The loss is the notes' `J = Σ L(A, P, N)`
/// (``TripletLoss``); training minimises the mean `J / M` over the M mined triplets, so the
/// learning rate does not depend on the batch shape.
public struct TripletMiner: Sendable {
    /// The loss and its margin α.
    public var loss: TripletLoss
    /// The negative selection rule.
    public var selection: NegativeSelection

    /// Creates a miner.
    /// - Parameters:
    ///   - alpha: the margin α (0.2 in the notes).
    ///   - selection: the negative selection rule.
    public init(alpha: Float = 0.2, selection: NegativeSelection = .semiHard) {
        loss = TripletLoss(alpha: alpha)
        self.selection = selection
    }

    /// Squared Euclidean distances between all rows of [B, D] embeddings.
    public static func squaredDistances(_ embeddings: Tensor) -> [Float] {
        let b = embeddings.shape[0], d = embeddings.count / max(b, 1)
        var out = [Float](repeating: 0, count: b * b)
        embeddings.storage.withUnsafeBufferPointer { e in
            for i in 0..<b {
                for j in (i + 1)..<max(b, i + 1) {
                    var sum: Float = 0
                    for k in 0..<d { let t = e[i * d + k] - e[j * d + k]; sum += t * t }
                    out[i * b + j] = sum
                    out[j * b + i] = sum
                }
            }
        }
        return out
    }

    /// Mines the triplets of a batch.
    /// - Parameters:
    ///   - embeddings: [B, D] embeddings of the batch.
    ///   - labels: B identity labels.
    ///   - generator: randomness for ``NegativeSelection/random``.
    public func mine<G: RandomNumberGenerator>(embeddings: Tensor, labels: [Int], using generator: inout G) -> [Triplet] {
        let b = labels.count
        precondition(embeddings.shape[0] == b, "\(b) labels for embeddings \(embeddings.shape)")
        let dist = Self.squaredDistances(embeddings)
        var triplets: [Triplet] = []
        for a in 0..<b {
            let negatives = (0..<b).filter { labels[$0] != labels[a] }
            guard !negatives.isEmpty else { continue }
            for p in 0..<b where p != a && labels[p] == labels[a] {
                let dap = dist[a * b + p]
                let n: Int
                switch selection {
                case .hardest:
                    n = negatives.min { dist[a * b + $0] < dist[a * b + $1] }!
                case .random:
                    n = negatives.randomElement(using: &generator)!
                case .semiHard:
                    let farther = negatives.filter { dist[a * b + $0] > dap }
                    n = farther.isEmpty ? negatives.max { dist[a * b + $0] < dist[a * b + $1] }!
                        : farther.min { dist[a * b + $0] < dist[a * b + $1] }!
                }
                triplets.append(Triplet(anchor: a, positive: p, negative: n))
            }
        }
        return triplets
    }

    /// The loss of mined triplets and the gradient of their mean with respect to every row.
    /// - Parameters:
    ///   - embeddings: [B, D] embeddings.
    ///   - triplets: rows of each triplet.
    /// - Returns: the per-triplet terms (their `loss` is `J`, the sum) and ∂(J / M)/∂embeddings [B, D].
    public func lossAndGradient(embeddings: Tensor, triplets: [Triplet]) -> (terms: TripletLoss.Terms, gradient: Tensor) {
        let d = embeddings.count / max(embeddings.shape[0], 1)
        func gather(_ rows: [Int]) -> Tensor {
            var t = Tensor(shape: [rows.count, d])
            for (i, r) in rows.enumerated() {
                for k in 0..<d { t.storage[i * d + k] = embeddings.storage[r * d + k] }
            }
            return t
        }
        let a = gather(triplets.map(\.anchor)), p = gather(triplets.map(\.positive)), n = gather(triplets.map(\.negative))
        let terms = loss.evaluate(anchor: a, positive: p, negative: n)
        let g = loss.gradient(anchor: a, positive: p, negative: n)
        var gradient = Tensor(shape: [embeddings.shape[0], d])
        let scale = 1 / Float(max(triplets.count, 1))
        for (i, t) in triplets.enumerated() where terms.basic[i] > 0 {
            for k in 0..<d {
                gradient.storage[t.anchor * d + k] += scale * g.anchor.storage[i * d + k]
                gradient.storage[t.positive * d + k] += scale * g.positive.storage[i * d + k]
                gradient.storage[t.negative * d + k] += scale * g.negative.storage[i * d + k]
            }
        }
        return (terms, gradient)
    }
}
