/// How the pairs of a pairs file are organised, as told by its header line.
public enum PairsFileLayout: Equatable, Sendable {
    /// LFW View 2 (`pairs.txt`): header `folds<TAB>n`, then `folds` blocks of `n` same-person
    /// lines followed by `n` different-person lines. Each block is one cross-validation fold.
    case folds(count: Int, pairsPerClass: Int)
    /// LFW View 1 (`pairsDevTrain.txt`, `pairsDevTest.txt`): header `n`, then `n` same-person
    /// lines followed by `n` different-person lines; one set, no folds.
    case singleSet(pairsPerClass: Int)
    /// No header: any number of same- and different-person lines in any order; one set.
    case headerless

    /// How many folds the layout defines (1 unless `.folds`).
    public var foldCount: Int {
        if case .folds(let count, _) = self { return count }
        return 1
    }
}
