import Foundation

/// An encoder's identify (1:K) threshold as a function of the gallery size.
///
/// In 1:K search a stranger is falsely named when *any* of the K people is closer than the
/// threshold, so a threshold that is right for one comparison (1:1 verify) names more and more
/// strangers as the gallery grows: with dlib-resnet at 0.6 about one stranger in ten in a
/// gallery of 20, nearly every stranger in a gallery of 10,000. The rule holds the share of
/// strangers falsely named at ``strangerFalseAcceptRate`` instead:
///
///     t(K) = F⁻¹(1 − (1 − a)^(1/K)),  capped at the verification threshold,
///
/// where F(d) is the share of impostor pairs (two photos of different people) closer than d,
/// read from ``impostorRates`` (log-linear between its points) and `a` is
/// ``strangerFalseAcceptRate``. Small galleries keep the verification threshold; below the
/// table's first distance the threshold stays there (``floor``), so in galleries beyond the
/// table's reach the stranger rate rises above `a` again.
public struct OpenSetThreshold: Sendable, Equatable {
    /// One point of the impostor curve: the share `rate` of impostor pairs closer than `distance`.
    public struct Point: Sendable, Equatable {
        /// A distance.
        public let distance: Float
        /// The share of impostor pairs closer than ``distance`` (0 < rate < 1).
        public let rate: Double

        /// Creates a point.
        public init(_ distance: Float, _ rate: Double) {
            self.distance = distance
            self.rate = rate
        }
    }

    /// The share of strangers (people not in the gallery) that may be named, per search.
    public let strangerFalseAcceptRate: Double
    /// The impostor curve F, by increasing distance and rate.
    public let impostorRates: [Point]

    /// Creates a rule; the points must increase in distance and in rate (checked by the tests of
    /// the registry's tables, not here: the registry is code).
    public init(strangerFalseAcceptRate: Double, impostorRates: [Point]) {
        self.strangerFalseAcceptRate = strangerFalseAcceptRate
        self.impostorRates = impostorRates
    }

    /// The lowest threshold the rule gives (the table's first distance).
    public var floor: Float { impostorRates.first?.distance ?? 0 }

    /// The threshold for a gallery of `people` people.
    /// - Parameters:
    ///   - people: the number of people searched (a person with many photos counts once).
    ///   - verification: the encoder's 1:1 threshold, the cap.
    /// - Returns: `verification` for an empty table or a gallery of at most one person, else
    ///   `min(verification, t(K))` with t(K) kept within the curve's distances (``floor`` at
    ///   the lowest).
    public func threshold(people: Int, verification: Float) -> Float {
        guard people > 1, let first = impostorRates.first, let last = impostorRates.last else { return verification }
        // 1 − (1 − a)^(1/K), computed without cancellation for large K.
        let rate = -expm1(log1p(-strangerFalseAcceptRate) / Double(people))
        if rate <= first.rate { return min(verification, first.distance) }
        if rate >= last.rate { return min(verification, last.distance) }
        var i = 1
        while impostorRates[i].rate < rate { i += 1 }
        let (lo, hi) = (impostorRates[i - 1], impostorRates[i])
        let f = (log(rate) - log(lo.rate)) / (log(hi.rate) - log(lo.rate))
        let t = lo.distance + Float(f) * (hi.distance - lo.distance)
        return min(verification, t)
    }
}
