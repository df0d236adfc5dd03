import Foundation
import VisageEval

/// The figures of `visage eval pairs`, as text or JSON.
struct EvalReport {
    let pairsFile: String
    let model: String
    let pairCount: Int
    let imageCount: Int
    let noFaceImages: Int
    let foldsFromFile: Bool
    let crossValidation: CrossValidation
    let validation: ValidationRate
    let roc: ROCCurve

    /// `val_at_far_1e-3` style key.
    var valKey: String { "val_at_far_" + FARFormat.short(validation.targetFAR) }

    var text: String {
        let cv = crossValidation, eer = roc.equalErrorRate
        let foldNote = foldsFromFile ? "folds of the file" : "folds dealt round-robin"
        var lines = [
            "pairs: \(pairsFile) (\(pairCount) pairs, \(imageCount) images, \(cv.folds.count) \(foldNote))",
            "model: \(model)",
            "no face found: \(noFaceImages) of \(imageCount) images (centre crop used)",
            String(format: "accuracy: %.4f ± %.4f (%d-fold cross-validation)", cv.accuracyMean, cv.accuracyStd, cv.folds.count),
            "thresholds: " + cv.thresholds.map { String(format: "%.4f", $0) }.joined(separator: " "),
            String(format: "VAL@FAR=%@: %.4f ± %.4f (mean test FAR %.4f)", FARFormat.short(validation.targetFAR),
                   validation.valMean, validation.valStd, validation.farMean),
            String(format: "AUC: %.4f", roc.auc),
            String(format: "EER: %.4f (threshold %.4f)", eer.rate, eer.threshold),
        ]
        if !validation.resolvable {
            lines.append("note: the training folds have too few impostor pairs to resolve FAR=\(FARFormat.short(validation.targetFAR)); VAL is measured at FAR 0 on them")
        }
        return lines.joined(separator: "\n")
    }

    var json: JSON {
        let cv = crossValidation
        return .object([
            ("pairs_file", .string(pairsFile)), ("model", .string(model)),
            ("pairs", .int(pairCount)), ("images", .int(imageCount)), ("folds", .int(cv.folds.count)),
            ("accuracy_mean", .number(cv.accuracyMean, decimals: 6)),
            ("accuracy_std", .number(cv.accuracyStd, decimals: 6)),
            ("fold_accuracies", .array(cv.folds.map { .number($0.testAccuracy, decimals: 6) })),
            ("thresholds", .array(cv.thresholds.map { .number($0, decimals: 6) })),
            (valKey, .number(validation.valMean, decimals: 6)),
            ("val_std", .number(validation.valStd, decimals: 6)),
            ("val_far_mean", .number(validation.farMean, decimals: 6)),
            ("val_far_resolvable", .bool(validation.resolvable)),
            ("auc", .number(roc.auc, decimals: 6)),
            ("eer", .number(roc.equalErrorRate.rate, decimals: 6)),
            ("eer_threshold", .number(roc.equalErrorRate.threshold, decimals: 6)),
            ("no_face_images", .int(noFaceImages)),
        ])
    }
}

/// Short spellings of rates.
enum FARFormat {
    /// `1e-3` for powers of ten, else the shortest decimal.
    static func short(_ far: Double) -> String {
        let e = log10(far)
        if abs(e - e.rounded()) < 1e-9, e < 0 { return "1e\(Int(e.rounded()))" }
        return "\(far)"
    }
}
