/// A point of a ROC curve: what one threshold accepts.
public struct ROCPoint: Equatable, Sendable, Codable {
    /// A threshold giving this point under `same ⇔ distance < threshold` (the midpoint between
    /// the largest accepted and the smallest rejected distance; see ``ROCCurve``).
    public let threshold: Double
    /// Impostor pairs accepted.
    public let falseAccepts: Int
    /// Genuine pairs accepted.
    public let trueAccepts: Int
    /// False-accept rate: `falseAccepts / impostor pairs`.
    public let far: Double
    /// True-accept rate ("VAL", 1 − false-reject rate): `trueAccepts / genuine pairs`.
    public let tar: Double
}

/// The exact ROC curve of a set of genuine and impostor distances.
///
/// Built by one sorted sweep: the distinct distances v₁ < v₂ < … < v_m give m + 1 points, point
/// k accepting exactly the pairs with distance ≤ v_k (point 0 accepts nothing, point m
/// everything). Equal genuine and impostor distances move both rates in one step, so ties show
/// as a diagonal segment and are credited half in the area. Point k's threshold is the
/// midpoint of (v_k, v_{k+1}); point 0's is v₁ and point m's the next number above v_m.
public struct ROCCurve: Equatable, Sendable, Codable {
    /// The points, from accept-nothing (0, 0) to accept-everything (1, 1); thresholds increase.
    public let points: [ROCPoint]
    /// Number of genuine pairs.
    public let genuineCount: Int
    /// Number of impostor pairs.
    public let impostorCount: Int

    /// Builds the curve.
    /// - Parameter pairs: scored pairs with at least one genuine and one impostor pair.
    /// - Throws: ``EvalError/invalidScores(_:)`` when a class is missing or a distance is not finite.
    public init(pairs: [ScoredPair]) throws {
        let sweep = DistanceSweep(try pairs.validated())
        guard sweep.genuine > 0, sweep.impostor > 0 else {
            throw EvalError.invalidScores("a ROC curve needs genuine and impostor pairs (have \(sweep.genuine) genuine, \(sweep.impostor) impostor)")
        }
        let g = Double(sweep.genuine), i = Double(sweep.impostor)
        var points = [ROCPoint(threshold: sweep.threshold(accepting: 0), falseAccepts: 0, trueAccepts: 0, far: 0, tar: 0)]
        points.reserveCapacity(sweep.steps.count + 1)
        var ta = 0, fa = 0
        for (index, step) in sweep.steps.enumerated() {
            ta += step.genuine
            fa += step.impostor
            points.append(ROCPoint(threshold: sweep.threshold(accepting: index + 1), falseAccepts: fa, trueAccepts: ta,
                                   far: Double(fa) / i, tar: Double(ta) / g))
        }
        self.points = points
        genuineCount = sweep.genuine
        impostorCount = sweep.impostor
    }

    /// Builds the curve from separate distance lists.
    /// - Throws: as ``init(pairs:)``.
    public init(genuine: [Double], impostor: [Double]) throws {
        try self.init(pairs: genuine.map { ScoredPair(distance: $0, isSame: true) }
                        + impostor.map { ScoredPair(distance: $0, isSame: false) })
    }

    /// The area under the curve by the trapezoid rule over the exact points. It equals the
    /// probability that a random genuine pair is closer than a random impostor pair, ties
    /// counting one half (the Mann–Whitney statistic).
    public var auc: Double {
        var area = 0.0
        for k in 1..<points.count {
            area += (points[k].far - points[k - 1].far) * (points[k].tar + points[k - 1].tar) / 2
        }
        return area
    }

    /// The point with the highest true-accept rate whose false-accept rate is ≤ `maxFAR`
    /// (at least the accept-nothing point).
    public func operatingPoint(maxFAR: Double) -> ROCPoint {
        // FAR never decreases along the curve: binary search for the last point within the limit.
        var low = 0, high = points.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if points[mid].far <= maxFAR { low = mid } else { high = mid - 1 }
        }
        return points[low]
    }

    /// The point with the highest true-accept rate that accepts at most `falseAccepts` impostors.
    public func operatingPoint(maxFalseAccepts falseAccepts: Int) -> ROCPoint {
        var low = 0, high = points.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if points[mid].falseAccepts <= falseAccepts { low = mid } else { high = mid - 1 }
        }
        return points[low]
    }

    /// The equal error rate: where the false-accept rate equals the false-reject rate
    /// (1 − TAR), interpolated linearly along the segment of the curve where FAR − FRR changes
    /// sign; the threshold is interpolated the same way.
    public var equalErrorRate: EqualErrorRate {
        // g = FAR − FRR = far + tar − 1 never decreases along the curve; it is −1 at the first
        // point and +1 at the last.
        func g(_ p: ROCPoint) -> Double { p.far + p.tar - 1 }
        for k in 1..<points.count where g(points[k]) >= 0 {
            let p = points[k - 1], q = points[k]
            let gp = g(p), gq = g(q)
            let t = gq > gp ? -gp / (gq - gp) : 1
            return EqualErrorRate(rate: p.far + t * (q.far - p.far),
                                  threshold: p.threshold + t * (q.threshold - p.threshold))
        }
        let last = points[points.count - 1]
        return EqualErrorRate(rate: last.far, threshold: last.threshold)
    }
}

/// The equal error rate and where it occurs.
public struct EqualErrorRate: Equatable, Sendable, Codable {
    /// The rate at which false accepts and false rejects are equally frequent.
    public let rate: Double
    /// The (interpolated) threshold where that happens.
    public let threshold: Double
}
