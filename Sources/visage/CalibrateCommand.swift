import ArgumentParser
import Foundation
import Visage
import VisageEval
import VisageRecognition
import VisageStore

/// `visage calibrate DIR`: a threshold with a known false-accept rate and a distance →
/// probability mapping, from a folder with one subfolder of photos per person.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Choose a threshold for a target false-accept rate and fit distance → probability.",
        discussion: """
        DIR holds one folder per person. Every image is embedded once; all genuine (same-folder) \
        and impostor pairs are scored, or --max-pairs of each drawn with --seed when there are more. \
        The threshold's expected false-accept rate on unseen people is at most --target-far. \
        The calibration is written as JSON to --output (default: calibration/<model>.json in the \
        model cache, where later commands look for it). With --gallery PATH the photos are embedded \
        as the gallery embeds them (its model, detected and aligned faces) and the calibration is \
        stored in the gallery, where verify and identify use it to report probabilities and the \
        false-accept rate of their threshold.
        """)

    @Argument(help: "Folder with one subfolder of photos per person.")
    var directory: String

    @OptionGroup var embedding: EmbedderOptions

    @Option(name: .customLong("target-far"), help: "The false-accept rate the threshold must meet.")
    var targetFAR: Double = 1e-3

    @Option(name: .customLong("max-pairs"), help: "The most genuine and the most impostor pairs to score (each).")
    var maxPairs: Int = 500_000

    @Option(name: .long, help: "Seed for pair sampling.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Where to write the calibration JSON.")
    var output: String?

    @Option(name: .customLong("roc-svg"), help: "Write the ROC curve as SVG to this file.")
    var rocSVG: String?

    @Option(name: .customLong("roc-png"), help: "Write the ROC curve as PNG to this file.")
    var rocPNG: String?

    @Option(name: .long, help: "Store the calibration in this gallery (embedding with the gallery's model).")
    var gallery: String?

    @Flag(name: .long, help: "Print the calibration JSON instead of the summary.")
    var json = false

    func run() throws {
        guard maxPairs > 0 else { throw ValidationError("--max-pairs must be positive") }
        let people = try PeopleFolder(path: directory)
        let store = try gallery.map { path in try Gallery.open(path: path, model: try Gallery.boundModel(path: path)) }
        defer { try? store?.close() }
        var options = embedding
        let embedder: FaceEmbedder
        if let store {
            options.model = store.model.id
            embedder = PipelineEmbedder(pipeline: try GalleryOptions.parse([]).pipeline(for: store.model),
                                        detectorName: DetectorKind.mmod.rawValue, fallbackFraction: 1, pick: .largest)
        } else {
            embedder = try options.embedder(defaultCrop: 1)
        }
        let progress = embedding.quiet ? nil : ProgressBar(total: people.paths.count, title: "embedding")
        let vectors = try EmbeddingCache(embedder: embedder).embed(people.paths, progress: progress)
        let embeddings = people.paths.map { vectors[$0]!.vector }
        let sampler = PairSampler(labels: people.labels)
        let genuinePairs = sampler.genuinePairs(limit: maxPairs, seed: seed)
        let impostorPairs = sampler.impostorPairs(limit: maxPairs, seed: seed &+ 1)
        let distance = { (p: IndexPair) in try EmbeddingDistance.euclidean(embeddings[p.first], embeddings[p.second]) }
        let genuine = try genuinePairs.map(distance), impostor = try impostorPairs.map(distance)
        let calibration = try Calibration(genuine: genuine, impostor: impostor, targetFAR: targetFAR, model: embedder.label)
        let url = try output.map { URL(fileURLWithPath: $0) } ?? (store == nil ? Self.defaultLocation(model: options.model) : nil)
        if let url { try calibration.write(to: url) }
        if let store { try store.setCalibration(String(decoding: try calibration.jsonData(), as: UTF8.self), modelID: nil) }
        if json {
            print(String(decoding: try calibration.jsonData(), as: UTF8.self))
        } else {
            print(Self.summary(calibration, people: people, sampled: (sampler.genuineCount, sampler.impostorCount),
                               written: [url?.path, store.map { "gallery \($0.path)" }].compactMap { $0 }))
        }
        if rocSVG != nil || rocPNG != nil {
            let roc = try ROCCurve(genuine: genuine, impostor: impostor)
            let marker = roc.operatingPoint(maxFalseAccepts: Int((calibration.calibrationFAR * Double(roc.impostorCount)).rounded()))
            let plot = ROCPlot(series: [ROCPlot.Series(label: embedder.label, curve: roc, marker: marker)],
                               title: "ROC: \(URL(fileURLWithPath: directory).lastPathComponent), \(people.names.count) people")
            try writeROC(plot, svg: rocSVG, png: rocPNG)
        }
    }

    /// `calibration/<model>.json` in the model cache.
    static func defaultLocation(model: String) throws -> URL {
        let folder = ModelStore().directory.appendingPathComponent("calibration")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIError("cannot create \(folder.path): \(error.localizedDescription)")
        }
        return folder.appendingPathComponent("\(model).json")
    }

    static func summary(_ c: Calibration, people: PeopleFolder, sampled: (Int, Int), written: [String]) -> String {
        let half = c.mapping.distance(atProbability: 0.5).map { String(format: "%.4f", $0) } ?? "n/a"
        return [
            "people: \(people.names.count), images: \(people.paths.count)",
            "pairs: \(c.genuinePairs) of \(sampled.0) genuine, \(c.impostorPairs) of \(sampled.1) impostor",
            "model: \(c.model)",
            String(format: "threshold: %.4f for FAR ≤ %@ (expected FAR on unseen pairs %.5f; on these pairs FAR %.5f, TAR %.4f)",
                   c.threshold, FARFormat.short(c.targetFAR), c.expectedFAR, c.calibrationFAR, c.calibrationTAR),
            String(format: "probability: P(same | d) = 1 / (1 + exp(-(%.4f %+.4f d))), 0.5 at d = %@; at the threshold %.4f",
                   c.mapping.intercept, c.mapping.slope, half, c.probability(distance: c.threshold)),
            String(format: "AUC: %.4f, EER: %.4f", c.auc, c.eer),
            "written: \(written.joined(separator: ", "))",
        ].joined(separator: "\n")
    }
}
