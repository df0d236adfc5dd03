import ArgumentParser
import Foundation
import Visage
import VisageRecognition
import VisageStore

/// The gallery-mode options of `verify` (the course options already give --threshold and --json).
struct GalleryVerifyOptions: ParsableArguments {
    @Option(name: .long, help: "Without --db: the gallery file.")
    var gallery: String = Gallery.defaultPath

    @Option(name: .long, help: "Without --db: face detector (\(DetectorKind.allCases.map(\.rawValue).joined(separator: ", "))).")
    var detector: DetectorKind = .mmod

    @Option(name: .long, help: "Without --db: compare to the person's nearest photo or to their centroid.")
    var match: MatchOption = .nearest
}

extension VerifyCommand {
    /// `verify IMAGE --as NAME` against the gallery.
    func runGallery() throws {
        let options = try GalleryOptions.parse(["--gallery", gallery.gallery, "--detector", gallery.detector.rawValue])
        let store = try options.openForReading()
        defer { try? store.close() }
        let pipeline = try options.pipeline(for: store.model)
        let photo = try loadImage(image)
        let (name, path, threshold, strategy) = (self.name, self.image, course.threshold, gallery.match.strategy)
        let result = try runBlocking {
            let recognizer = try await Recognizer.open(pipeline: pipeline, store: store, threshold: threshold, strategy: strategy)
            return try await recognizer.verify(photo, as: name, source: path)
        }
        if course.json {
            print(JSON.object([
                ("image", .string(image)), ("name", .string(name)), ("distance", .fixed(result.distance)),
                ("threshold", .fixed(result.threshold, 4)), ("match", .bool(result.match)),
                ("probability", RecognitionOutput.optional(result.probability)),
                ("false_accept_rate", RecognitionOutput.optional(result.falseAcceptRate, 8)),
                ("box", RecognitionOutput.box(result.box)), ("faces_in_image", .int(result.facesInImage)),
            ]).text)
        } else {
            var line = result.match
                ? "match: it's \(name) (distance \(format(result.distance)) < \(result.threshold))"
                : "no match: not \(name) (distance \(format(result.distance)) ≥ \(result.threshold))"
            if let p = result.probability { line += String(format: ", probability %.3f", p) }
            if let far = result.falseAcceptRate { line += ", FAR at threshold \(String(format: "%.2g", far))" }
            print(line)
        }
        if !result.match { throw ExitCode(1) }
    }
}
