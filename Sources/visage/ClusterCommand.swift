import ArgumentParser
import Foundation
import Visage
import VisageCluster
import VisageModels
import VisageRecognition
import VisageStore

extension ClusterMethod: ExpressibleByArgument {}
extension EdgeWeighting: ExpressibleByArgument {}

/// `visage cluster PATH...`: group the faces of photo folders; `--enroll ID NAME` names a group.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Group the faces of photos by person, with contact sheets; --enroll names a group.",
        discussion: """
        Detects and embeds every face in the photos (files, or folders searched recursively), caching \
        each photo's faces by SHA-256 so a second run is fast, then groups them (complete linkage, chinese \
        whispers as dlib's, or DBSCAN). Writes DIR/report.json (schema: docs/cluster.md), one contact sheet per \
        group and DIR/index.html. Faces matching a person of the gallery are labelled with the name. \
        `visage cluster --enroll 3 "Ada Lovelace"` enrols group 3 of the report as that person.
        """)

    @Argument(help: "Photos and folders of photos (JPEG, PNG, PGM/PPM).")
    var paths: [String] = []

    @Option(name: .long, help: """
        complete-linkage: the largest distance within a group (default \(ClusterMethod.completeLinkage.defaultThreshold(for: .dlibResNet)) \
        for dlib-resnet); chinese-whispers and dbscan: link faces closer than this (default \
        \(ClusterMethod.chineseWhispers.defaultThreshold(for: .dlibResNet))). Known faces use the model's decision threshold \
        (\(ModelDescriptor.of(.dlibResNet).defaultThreshold)).
        """)
    var threshold: Float?

    @Option(name: .long, help: "Smaller groups are listed as faces in no group.")
    var minSize = 2

    @Option(name: .long, help: "complete-linkage (default), chinese-whispers (dlib's) or dbscan.")
    var method: ClusterMethod = .completeLinkage

    @Option(name: .long, help: "dbscan: faces within the threshold (itself included) that make a core face.")
    var minPoints = 3

    @Option(name: .long, help: "chinese-whispers: rounds of updates (dlib's 100).")
    var iterations = 100

    @Option(name: .long, help: "chinese-whispers: the random seed.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "chinese-whispers: uniform (dlib's) or closeness-weighted votes.")
    var weighting: EdgeWeighting = .uniform

    @Option(name: .long, help: "Output folder for report.json, the sheets and index.html.")
    var out = "visage-clusters"

    @Option(name: .long, help: "Face cache file (default: OUT/faces-cache.jsonl).")
    var cache: String?

    @Option(name: .long, help: "Gallery that labels known faces and receives --enroll.")
    var gallery = Gallery.defaultPath

    @Option(name: .long, parsing: .upToNextOption, help: "GROUP_ID NAME: enrol that group of the report as NAME.")
    var enroll: [String] = []

    @Option(name: .long, help: "The report to read for --enroll (default: OUT/report.json).")
    var report: String?

    @Option(name: .long, help: "Also write every face's embedding to this JSON-lines file.")
    var saveEmbeddings: String?

    @Option(name: .long, help: "Group the embeddings of this JSON-lines file (as --save-embeddings writes) instead of photos.")
    var embeddings: String?

    @Flag(name: .long, help: "Write no contact sheets or index.html.")
    var noSheets = false

    @OptionGroup var face: FaceOptions
    @OptionGroup var encoder: EncoderOptions

    func validate() throws {
        guard enroll.isEmpty || (enroll.count == 2 && Int(enroll[0]) != nil) else {
            throw ValidationError("--enroll takes a group number and a name: --enroll 3 \"Ada Lovelace\"")
        }
        guard !enroll.isEmpty || !paths.isEmpty || embeddings != nil else {
            throw ValidationError("give photos or folders to cluster")
        }
        guard minSize >= 1 else { throw ValidationError("--min-size must be at least 1") }
    }

    private var reportPath: String { report ?? URL(fileURLWithPath: out).appendingPathComponent("report.json").path }

    func run() throws {
        if enroll.count == 2, let id = Int(enroll[0]) { return try enrolGroup(id, as: enroll[1]) }
        let options = ClusterOptions(method: method, threshold: threshold, encoder: encoder.model, minSize: minSize,
                                     whispers: ChineseWhispers(iterations: iterations, seed: seed, weighting: weighting),
                                     dbscan: DBSCAN(minPoints: minPoints))
        var pipelineOptions = PipelineOptions(detector: face.detector, landmarks: face.landmarks,
                                              encoder: encoder.model, jitters: encoder.jitter)
        pipelineOptions.setUpsample(face.upsample)
        let harvester = FaceHarvester(options: pipelineOptions) { [face, encoder] in try encoder.pipeline(try face.locator()) }
        let cachePath = cache ?? URL(fileURLWithPath: out).appendingPathComponent("faces-cache.jsonl").path
        let faceCache = try FaceCache(path: cachePath, pipeline: harvester.signature)
        let harvest: Harvest
        if let embeddings {
            harvest = try EmbeddingFile.read(path: embeddings)
        } else {
            let photos = try PhotoFinder.photos(in: paths)
            guard !photos.isEmpty else { throw CLIError("no photos (JPEG, PNG, PGM/PPM) under \(paths.joined(separator: ", "))") }
            let bar = ProgressBar(total: photos.count, title: "faces")
            harvest = try harvester.harvest(photos, cache: faceCache) { bar.update($0) }
            bar.finish()
        }

        let embeddings = try EmbeddingMatrix(rows: harvest.faces.map(\.face.embedding))
        let start = Date(), cpuStart = clock()
        let grouping = try FaceClusterer(options: options).cluster(embeddings)
        let seconds = Date().timeIntervalSince(start), cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        // Known faces are a 1:1 decision per face: the model's decision threshold, not the grouping's.
        let (known, galleryUsed) = try knownFaces(embeddings, threshold: ModelDescriptor.of(encoder.model).defaultThreshold)

        var result = ClusterReport(harvest: harvest, grouping: grouping,
                                   representatives: grouping.representatives(in: embeddings), known: known,
                                   options: options, pipeline: harvester.signature, cache: cachePath,
                                   gallery: galleryUsed ? gallery : nil)
        let sheets = ContactSheetWriter(folder: URL(fileURLWithPath: out)) { face in
            faceCache.lookup(sha256: face.sha256)?.faces[safe: face.face]?.thumbnail
        }
        if !noSheets { try sheets.write(&result) }
        try result.write(to: reportPath)
        if let saveEmbeddings { try EmbeddingFile.write(harvest.faces, to: saveEmbeddings) }

        if face.json {
            print(String(decoding: try result.json(), as: UTF8.self))
        } else {
            printSummary(result, cached: harvest.cachedImages, seconds: seconds, cpu: cpu)
        }
    }

    /// Labels faces that match the gallery, when the gallery file exists.
    private func knownFaces(_ embeddings: EmbeddingMatrix, threshold: Float) throws -> ([KnownFace?], Bool) {
        guard FileManager.default.fileExists(atPath: gallery) else { return ([], false) }
        let store = try Gallery.open(path: gallery, model: Self.galleryModel(encoder.model), mode: .readOnly)
        defer { try? store.close() }
        return (GalleryMatcher.match(embeddings, gallery: try store.allEmbeddings(), threshold: threshold), true)
    }

    private func enrolGroup(_ id: Int, as name: String) throws {
        var result = try ClusterReport.load(path: reportPath)
        let encoderID = result.pipeline.split(separator: "/").first.flatMap { EncoderID(rawValue: String($0)) } ?? encoder.model
        let cachePath = cache ?? result.cache ?? URL(fileURLWithPath: out).appendingPathComponent("faces-cache.jsonl").path
        let faceCache = try FaceCache(path: cachePath, pipeline: result.pipeline)
        let store = try Gallery.open(path: gallery, model: Self.galleryModel(encoderID), create: true)
        defer { try? store.close() }
        let outcome = try GroupEnrolment.enrol(group: id, as: name, report: &result, cache: faceCache, gallery: store)
        try result.write(to: reportPath)
        let page = URL(fileURLWithPath: reportPath).deletingLastPathComponent().appendingPathComponent("index.html")
        try? Data(IndexPage.html(for: result).utf8).write(to: page, options: .atomic)
        let skipped = outcome.skipped.isEmpty ? "" : " (\(outcome.skipped.count) faces left out: they match other people)"
        print("enrolled \(outcome.enrolled.count) faces of group \(id) as \(name) in \(gallery)\(skipped)")
    }

    /// The gallery binding of an encoder's embeddings.
    static func galleryModel(_ id: EncoderID) -> GalleryModel {
        GalleryModel.encoder(ModelDescriptor.of(id))
    }

    private func printSummary(_ report: ClusterReport, cached: Int, seconds: Double, cpu: Double) {
        print("\(report.images) photos (\(cached) from the cache), \(report.faceCount) faces, \(report.groups.count) groups, "
              + "\(report.unassigned.count) faces in no group; grouping took \(String(format: "%.3f s (%.3f s CPU)", seconds, cpu))")
        for group in report.groups.prefix(20) {
            print("  group \(group.id): \(group.size) faces\(group.name.map { " (\($0))" } ?? "")")
        }
        if report.groups.count > 20 { print("  … \(report.groups.count - 20) more") }
        for failure in report.failures { print("  skipped \(failure.image): \(failure.error)") }
        print("report: \(reportPath)")
        if !noSheets { print("sheets: \(URL(fileURLWithPath: out).appendingPathComponent("index.html").path)") }
    }
}

private extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
