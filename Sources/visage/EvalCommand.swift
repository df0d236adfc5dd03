import ArgumentParser
import Foundation
import VisageEval

/// `visage eval`: accuracy on labelled pairs.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate verification accuracy on a benchmark.",
        subcommands: [EvalPairsCommand.self, EvalFolderCommand.self])
}

/// `visage eval pairs --pairs FILE --images DIR`: the LFW pairs protocol.
struct EvalPairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "10-fold verification accuracy, ROC, AUC, EER and VAL@FAR on an LFW-style pairs file.",
        discussion: """
        Reads pairs.txt (header `folds<TAB>n`), View 1 files (header `n`) or header-less lists; \
        images are DIR/name/name_%04d.jpg. Each image is embedded once. For each fold the \
        accuracy-maximising threshold is found on the other folds and tested on it. Files \
        without folds are dealt round-robin into --folds folds.
        """)

    @Option(name: .long, help: "The pairs file.")
    var pairs: String

    @Option(name: .long, help: "The image folder (one subfolder per person).")
    var images: String

    @OptionGroup var embedding: EmbedderOptions

    @Option(name: .long, help: "The false-accept rate of the VAL@FAR figure.")
    var far: Double = 1e-3

    @Option(name: .long, help: "Folds for files without folds (View 1 or header-less).")
    var folds: Int = 10

    @Option(name: .customLong("roc-svg"), help: "Write the ROC curve as SVG to this file.")
    var rocSVG: String?

    @Option(name: .customLong("roc-png"), help: "Write the ROC curve as PNG to this file.")
    var rocPNG: String?

    @Flag(name: .long, help: "Print the results as one JSON object.")
    var json = false

    func run() throws {
        guard far > 0, far < 1 else { throw ValidationError("--far must be in (0, 1)") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        let file = try PairsFile(contentsOf: URL(fileURLWithPath: pairs))
        let root = URL(fileURLWithPath: images)
        let pathOf = { (image: LFWImage) in root.appendingPathComponent(image.relativePath).path }
        let paths = file.images.map(pathOf)
        let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
        if let first = missing.first {
            throw CLIError("\(missing.count) image(s) of the pairs file are missing, e.g. \(first)")
        }
        let embedder = try embedding.embedder(defaultCrop: 0.5)
        let progress = embedding.quiet ? nil : ProgressBar(total: paths.count, title: "embedding")
        let vectors = try EmbeddingCache(embedder: embedder).embed(paths, progress: progress)

        var scored = try file.folds.map { fold in
            try fold.map { pair in
                ScoredPair(distance: try EmbeddingDistance.euclidean(vectors[pathOf(pair.first)]!.vector,
                                                                     vectors[pathOf(pair.second)]!.vector),
                           isSame: pair.isSame)
            }
        }
        if scored.count == 1 {
            let all = scored[0]
            scored = (0..<folds).map { f in stride(from: f, to: all.count, by: folds).map { all[$0] } }
        }
        let report = EvalReport(
            pairsFile: pairs, model: embedder.label, pairCount: file.pairs.count, imageCount: paths.count,
            noFaceImages: vectors.values.filter { !$0.faceFound }.count, foldsFromFile: file.layout.foldCount > 1,
            crossValidation: try CrossValidation(folds: scored),
            validation: try ValidationRate(folds: scored, targetFAR: far),
            roc: try ROCCurve(pairs: scored.flatMap { $0 }))
        print(json ? report.json.text : report.text)
        try writePlots(report)
    }

    private func writePlots(_ report: EvalReport) throws {
        guard rocSVG != nil || rocPNG != nil else { return }
        let name = URL(fileURLWithPath: pairs).lastPathComponent
        let plot = ROCPlot(series: [ROCPlot.Series(label: report.model, curve: report.roc)],
                           title: "ROC: \(name), \(report.pairCount) pairs")
        try writeROC(plot, svg: rocSVG, png: rocPNG)
    }
}
