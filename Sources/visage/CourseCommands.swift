import ArgumentParser
import Foundation
import Visage
import VisageImage
import VisageModels

/// Options shared by the course commands (`verify --db`, `who-is-it`).
struct CourseOptions: ParsableArguments {
    @Option(name: .long, help: "Folder with one photo per person; the file name (without extension) is the name.")
    var db: String?

    @Option(name: .long, help: """
        Encoder: dlib-resnet (default: finds and aligns the largest face of each photo), or the course's \
        facenet-160 / openface-nn4 (whole images, resized as the course's img_to_encoding).
        """)
    var model: EncoderID = .dlibResNet

    @Option(name: .long, help: "Weights: the OpenFace CSV folder or a .safetensors checkpoint (visage train) for openface-nn4; for facenet-160 an h5 or .safetensors file (default: the model cache).")
    var weights: String?

    @Option(name: .long, help: "Decision threshold τ (default: the model's; 0.7 for the course's models, 0.6 for dlib-resnet).")
    var threshold: Float?

    @Flag(name: .long, help: "Print one JSON object per image.")
    var json = false

    @Flag(name: .long, help: .hidden)
    var fillMissingForTests = false

    func recognizer() throws -> CourseRecognizer {
        guard let db else { throw ValidationError("Missing expected argument '--db <db>'") }
        let encoder: FaceEncoder
        if model == .dlibResNet {
            let locator = try FaceLocator(store: ModelStore())
            let resnet = try EncoderLoader(store: ModelStore()).encoder(.dlibResNet)
            encoder = LargestFaceEncoder(pipeline: FacePipeline(locator: locator, encoder: resnet))
        } else {
            encoder = try EncoderLoader(store: ModelStore()).courseEncoder(
                model, weights: weights.map { URL(fileURLWithPath: $0) }, fillMissingForTests: fillMissingForTests)
        }
        let database = try FaceDatabase(folder: URL(fileURLWithPath: db), encoder: encoder)
        return CourseRecognizer(encoder: encoder, database: database,
                                threshold: threshold ?? encoder.descriptor.defaultThreshold)
    }
}

/// `visage verify IMAGE --as NAME --db DIR`: the course's face verification; without `--db`,
/// verification against the gallery (see GalleryVerify.swift).
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Is the person in IMAGE the claimed person? (exit 0 = door open / match, 1 = rejected)",
        discussion: """
        With --db DIR: the course's verification against a folder of photos. Without --db: against \
        the gallery (--gallery, default ./visage.sqlite), printing distance, threshold and match, \
        and the calibrated probability when the gallery holds a calibration.
        """)

    @Argument(help: "The photo to check.")
    var image: String

    @Option(name: .customLong("as"), help: "The claimed name.")
    var name: String

    @OptionGroup var course: CourseOptions

    @OptionGroup var gallery: GalleryVerifyOptions

    func run() throws {
        if course.db == nil { return try runGallery() }
        let recognizer = try course.recognizer()
        let photo = try loadImage(image)
        let result = try recognizer.verify(photo, identity: name)
        if course.json {
            print(JSON.object([
                ("image", .string(image)), ("identity", .string(name)), ("distance", .fixed(result.distance)),
                ("threshold", .fixed(recognizer.threshold, 4)), ("door_open", .bool(result.doorOpen)),
            ]).text)
        } else if result.doorOpen {
            print("It's \(name), welcome in! (distance \(format(result.distance)) < \(recognizer.threshold))")
        } else {
            print("It's not \(name), please go away (distance \(format(result.distance)) ≥ \(recognizer.threshold))")
        }
        if !result.doorOpen { throw ExitCode(1) }
    }
}

/// `visage who-is-it IMAGE --db DIR`: the course's face recognition.
struct WhoIsItCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who-is-it",
        abstract: "Which person of the database is in IMAGE? (exit 1 = not in the database)")

    @Argument(help: "The photo to identify.")
    var image: String

    @OptionGroup var course: CourseOptions

    func run() throws {
        let recognizer = try course.recognizer()
        let result = try recognizer.whoIsIt(try loadImage(image))
        if course.json {
            print(JSON.object([
                ("image", .string(image)), ("identity", result.identity.map(JSON.string) ?? .null),
                ("closest", .string(result.closest)), ("distance", .fixed(result.distance)),
                ("threshold", .fixed(recognizer.threshold, 4)),
            ]).text)
        } else if let who = result.identity {
            print("It's \(who), the distance is \(format(result.distance))")
        } else {
            print("Not in the database. (closest: \(result.closest), distance \(format(result.distance)))")
        }
        if result.identity == nil { throw ExitCode(1) }
    }
}

/// Decodes an image file, naming the path in the error.
func loadImage(_ path: String) throws -> Image {
    do {
        return try Image.load(path: path)
    } catch {
        throw CLIError("cannot read image \(path): \(error)")
    }
}

/// A distance with 7 decimals.
func format(_ d: Float) -> String { String(format: "%.7f", Double(d)) }

/// An error message for the user (exit code 2).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
