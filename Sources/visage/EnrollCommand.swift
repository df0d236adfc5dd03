import ArgumentParser
import Foundation
import VisageModels
import VisageRecognition
import VisageStore

extension FaceSelection: ExpressibleByArgument {}

/// `visage enroll NAME IMAGE...`: adds photos of one person to the gallery, with quality gating.
struct EnrollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Add a person (or more photos of them) to the gallery; one photo is enough.",
        discussion: """
        Each photo must show one face at least --min-face-size pixels wide, sharp and well exposed; \
        the others are rejected with a reason code (no_face, multiple_faces, face_too_small, blurry, \
        bad_exposure, unreadable_image, duplicate_image) and the rest still go in, in one transaction. \
        Exit code 0 when every photo was accepted, 1 when some were rejected, 2 on an error.
        """)

    @Argument(help: "The person's name (case-sensitive).")
    var name: String

    @Argument(help: "Photos of the person.")
    var images: [String]

    @Option(name: .long, help: "With several faces in a photo: single (reject the photo) or largest.")
    var face: FaceSelection = .single

    @Flag(name: .customLong("keep-crops"), inversion: .prefixedNo,
          help: "Store the aligned face crops (needed by `gallery reembed`).")
    var keepCrops = true

    @Flag(name: .long, help: "Fail if the person already exists (duplicate_name) instead of adding photos.")
    var new = false

    @Option(name: .customLong("min-face-size"), help: "Smallest accepted face, in pixels.")
    var minFaceSize: Double = 60

    @Option(name: .long, help: "Encoder of a new gallery (an existing gallery keeps its own).")
    var model: EncoderID = .dlibResNet

    @OptionGroup var options: GalleryOptions

    func run() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        let gallery = FileManager.default.fileExists(atPath: options.gallery)
            ? try options.openForWriting() : try options.openOrCreate(encoder: model)
        defer { try? gallery.close() }
        let pipeline = try options.pipeline(for: gallery.model)
        let policy = EnrolmentPolicy(minimumFaceSize: minFaceSize, faceSelection: face, keepCrops: keepCrops)
        // A file that cannot be read becomes an unreadable_image outcome, like a corrupt one.
        let photos = images.map { EnrolmentImage(source: $0, data: (try? readBytes($0)) ?? []) }
        let target: EnrolmentTarget = new ? .newPerson : .newOrExisting
        let name = self.name
        let progress = options.showsProgress && photos.count > 1 ? ProgressBar(total: photos.count, title: "enrolling") : nil
        progress?.update(0)
        let report = try runBlocking {
            let recognizer = try await Recognizer.open(pipeline: pipeline, store: gallery)
            return try await recognizer.enroll(name, images: photos, target: target, policy: policy,
                                               progress: progress.map { bar in { @Sendable done in bar.update(done) } })
        }
        progress?.finish()
        if options.json {
            for outcome in report.outcomes { print(RecognitionOutput.outcome(outcome, name: name).text) }
        } else {
            for outcome in report.outcomes {
                switch outcome.status {
                case .accepted(let id): print("\(outcome.source): accepted (face \(id))")
                case .rejected(let reason, let message): print("\(outcome.source): rejected, \(reason.rawValue): \(message)")
                }
            }
            let verb = report.createdPerson ? "enrolled new person" : "added to"
            print("\(verb) \"\(name)\": \(report.acceptedCount) of \(report.outcomes.count) photo(s) accepted")
        }
        if report.acceptedCount < report.outcomes.count { throw ExitCode(1) }
    }
}
