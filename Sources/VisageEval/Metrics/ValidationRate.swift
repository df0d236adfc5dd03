/// One fold of the cross-validated validation rate.
public struct ValidationFold: Equatable, Sendable, Codable {
    /// The threshold chosen on the training folds.
    public let threshold: Double
    /// The false-accept rate of that threshold on the training folds (≤ the target).
    public let trainingFAR: Double
    /// The true-accept rate (VAL) on this fold.
    public let val: Double
    /// The false-accept rate on this fold.
    public let far: Double
}

/// The validation rate at a false-accept rate, VAL@FAR, cross-validated as in FaceNet
/// (Schroff et al. 2015, section 4.1).
///
/// FaceNet defines, for a threshold d, VAL(d) = |true accepts| / |same-person pairs| and
/// FAR(d) = |false accepts| / |different-person pairs|. For each fold the threshold is chosen on
/// the other folds so that their FAR meets the target, then VAL and FAR are measured on the
/// held-out fold; the result is the mean VAL ± population std and the mean FAR.
///
/// FaceNet's reference code picks the training threshold on a 0.01 grid and interpolates the
/// FAR linearly between grid points. Here the choice is exact and never interpolated: the
/// threshold of the ROC point with the highest training TAR whose training FAR is ≤ the target
/// (``ROCCurve/operatingPoint(maxFAR:)``). **Resolution:** with n training impostor pairs no FAR
/// below 1/n can be resolved, so a target under 1/n means "no training impostor accepted"
/// (e.g. 1e-3 on LFW's 2,700 training impostors per split allows 2 false accepts; on the
/// 270 of a 10×30 development file it allows none). ``resolvable`` says whether every split had
/// enough impostors.
public struct ValidationRate: Equatable, Sendable, Codable {
    /// The requested false-accept rate.
    public let targetFAR: Double
    /// One entry per fold, in fold order.
    public let folds: [ValidationFold]
    /// Whether every training split had at least 1 / `targetFAR` impostor pairs.
    public let resolvable: Bool

    /// Runs the protocol.
    /// - Parameters:
    ///   - folds: the scored pairs of each fold; every fold needs genuine and impostor pairs.
    ///   - targetFAR: the false-accept rate to meet on the training folds, in (0, 1].
    /// - Throws: ``EvalError/invalidArgument(_:)`` for a target outside (0, 1];
    ///   ``EvalError/invalidScores(_:)`` for fewer than 2 folds or a fold missing a class.
    public init(folds: [[ScoredPair]], targetFAR: Double) throws {
        guard targetFAR > 0, targetFAR <= 1 else { throw EvalError.invalidArgument("target FAR \(targetFAR) is not in (0, 1]") }
        guard folds.count >= 2 else { throw EvalError.invalidScores("cross-validation needs at least 2 folds, got \(folds.count)") }
        for (index, fold) in folds.enumerated() {
            _ = try fold.validated()
            guard fold.contains(where: \.isSame), fold.contains(where: { !$0.isSame }) else {
                throw EvalError.invalidScores("fold \(index + 1) needs both same- and different-person pairs for VAL@FAR")
            }
        }
        var resolvable = true
        self.folds = try folds.indices.map { test in
            let roc = try ROCCurve(pairs: folds.pooled(leavingOut: test))
            if Double(roc.impostorCount) * targetFAR < 1 { resolvable = false }
            let point = roc.operatingPoint(maxFAR: targetFAR)
            let genuine = folds[test].filter(\.isSame), impostor = folds[test].filter { !$0.isSame }
            let accepted = { (pairs: [ScoredPair]) in Double(pairs.filter { $0.distance < point.threshold }.count) / Double(pairs.count) }
            return ValidationFold(threshold: point.threshold, trainingFAR: point.far, val: accepted(genuine), far: accepted(impostor))
        }
        self.targetFAR = targetFAR
        self.resolvable = resolvable
    }

    /// The mean VAL over the folds.
    public var valMean: Double { Statistics.mean(folds.map(\.val)) }
    /// The population standard deviation of VAL over the folds.
    public var valStd: Double { Statistics.populationStd(folds.map(\.val)) }
    /// The mean false-accept rate measured on the test folds.
    public var farMean: Double { Statistics.mean(folds.map(\.far)) }
}
