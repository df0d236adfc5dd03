import ArgumentParser
import Foundation
import Visage
import VisageImage
import VisageModels
import VisageRecognition
import VisageStore

/// `visage identify IMAGE... [--top K]`: who is every face, or `unknown`.
struct IdentifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Name every face of the images from the gallery, or say unknown.",
        discussion: """
        For each face: the nearest person when the distance is below the threshold (else unknown), \
        the distance, the margin to the runner-up and the top-K candidates; with a calibration stored \
        in the gallery (visage calibrate --gallery) also the probability and the threshold's \
        false-accept rate. With --json, one line per image: {"image","faces":[{"box","identity",\
        "distance","threshold","candidates",...}]}. Exit code 0 when at least one face was \
        identified, 1 when none was, 2 on an error (an unreadable image is reported and the others \
        are still processed).
        """)

    @Argument(help: "Photos to identify.")
    var images: [String]

    @Option(name: .long, help: "Candidates listed per face.")
    var top: Int = 3

    @Option(name: .long, help: ArgumentHelp("Decision threshold (default: the model's for the gallery's size).",
                                            discussion: thresholdDiscussion))
    var threshold: Float?

    /// The default thresholds by gallery size, from the model registry.
    private static var thresholdDiscussion: String {
        let descriptor = ModelDescriptor.of(.dlibResNet)
        guard let rule = descriptor.openSet else { return "" }
        let v = descriptor.defaultThreshold
        let t = { (people: Int) in String(format: "%.3f", rule.threshold(people: people, verification: v)) }
        let kept = (1...1000).last { rule.threshold(people: $0, verification: v) >= v } ?? 1
        return "dlib-resnet: \(v) up to \(kept) people, then lower as the gallery grows (\(t(20)) for 20, "
            + "\(t(100)) for 100, \(t(1000)) for 1,000) so that about one stranger in "
            + "\(Int((1 / rule.strangerFalseAcceptRate).rounded())) is named; the value used is printed with each face."
    }

    @Option(name: .long, help: "Compare to each person's nearest photo or to their centroid.")
    var match: MatchOption = .nearest

    @OptionGroup var options: GalleryOptions

    /// Images decoded and embedded per matrix product.
    static let batch = 32

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard (1...1000).contains(top) else { throw ValidationError("--top must be 1…1000") }
        if let threshold { guard threshold.isFinite, threshold > 0 else { throw ValidationError("--threshold must be positive") } }
    }

    func run() throws {
        let gallery = try options.openForReading()
        defer { try? gallery.close() }
        let pipeline = try options.pipeline(for: gallery.model)
        let (threshold, strategy, top) = (self.threshold, match.strategy, self.top)
        let recognizer = try runBlocking {
            try await Recognizer.open(pipeline: pipeline, store: gallery, threshold: threshold, strategy: strategy)
        }
        let progress = options.showsProgress && images.count > 1 ? ProgressBar(total: images.count, title: "identifying") : nil
        var identified = 0, failed = 0, done = 0
        var start = 0
        while start < images.count {
            let paths = Array(images[start..<min(start + Self.batch, images.count)])
            start += paths.count
            var faces: [[Face]?] = []
            for path in paths {
                do {
                    faces.append(try pipeline.faces(in: try loadImage(path)))
                } catch {
                    faces.append(nil)
                    failed += 1
                    FileHandle.standardError.write(Data("error: \(path): \(error)\n".utf8))
                }
                done += 1
                progress?.update(done)
            }
            let found = faces.compactMap { $0 }
            let results = try runBlocking { try await recognizer.identify(faces: found, topK: top) }
            var next = 0
            for (path, imageFaces) in zip(paths, faces) {
                guard imageFaces != nil else {
                    if options.json { print(JSON.object([("image", .string(path)), ("error", .string("unreadable image"))]).text) }
                    continue
                }
                let result = results[next]
                next += 1
                identified += result.filter { $0.identity != nil }.count
                print(render(path, result))
            }
        }
        progress?.finish()
        if failed > 0 { throw ExitCode(2) }
        if identified == 0 { throw ExitCode(1) }
    }

    private func render(_ path: String, _ faces: [FaceIdentification]) -> String {
        if options.json {
            return JSON.object([("image", .string(path)), ("faces", .array(faces.map(RecognitionOutput.face)))]).text
        }
        if faces.isEmpty { return "\(path): no face found" }
        return "\(path):\n" + faces.map { "  " + RecognitionOutput.faceText($0) }.joined(separator: "\n")
    }
}
