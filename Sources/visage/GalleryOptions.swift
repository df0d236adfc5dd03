import ArgumentParser
import Foundation
import Visage
import VisageModels
import VisageRecognition
import VisageStore

/// How people with several photos are compared (`--match`).
enum MatchOption: String, CaseIterable, ExpressibleByArgument {
    /// Distance to the person's nearest photo.
    case nearest
    /// Distance to the mean of the person's photos.
    case centroid

    var strategy: MatchStrategy { self == .nearest ? .minimumDistance : .centroid }
}

/// Options of the gallery commands: where the gallery is, output format, detection.
struct GalleryOptions: ParsableArguments {
    @Option(name: .long, help: "The gallery file (created by the first enrolment).")
    var gallery: String = Gallery.defaultPath

    @Flag(name: .long, help: "Print JSON (one object per line) instead of text.")
    var json = false

    @Option(name: .long, help: "Face detector: \(DetectorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var detector: DetectorKind = .mmod

    @Option(name: .long, help: ArgumentHelp(UpsampleChoice.help))
    var upsample: UpsampleChoice = .auto

    /// Opens an existing gallery for reading, bound to whatever model it holds.
    func openForReading() throws -> Gallery {
        try Gallery.open(path: gallery, model: try Gallery.boundModel(path: gallery), mode: .readOnly)
    }

    /// Opens an existing gallery for writing.
    func openForWriting() throws -> Gallery {
        try Gallery.open(path: gallery, model: try Gallery.boundModel(path: gallery))
    }

    /// Opens (creating when missing) a gallery for writing with `encoder`'s embeddings.
    func openOrCreate(encoder: EncoderID) throws -> Gallery {
        if FileManager.default.fileExists(atPath: gallery) {
            let bound = try Gallery.boundModel(path: gallery)
            let wanted = GalleryModel.encoder(.of(encoder))
            guard bound == wanted else { throw GalleryError.modelMismatch(gallery: bound, requested: wanted) }
        }
        return try Gallery.open(path: gallery, model: GalleryModel.encoder(.of(encoder)), create: true)
    }

    /// The pipeline producing the gallery's embeddings.
    func pipeline(for model: GalleryModel) throws -> FacePipeline {
        guard let descriptor = model.descriptor else {
            throw CLIError("the gallery's model \(model.id) is not one this build ships; run `visage gallery reembed --model dlib-resnet`")
        }
        var options = PipelineOptions(detector: detector, encoder: descriptor.id)
        options.setUpsample(upsample)
        return try FacePipeline(store: ModelStore(), options: options)
    }

    /// Whether batch commands draw a progress bar: standard output is a terminal and not JSON.
    var showsProgress: Bool { !json && isatty(STDOUT_FILENO) != 0 && isatty(STDERR_FILENO) != 0 }
}

/// Reads a whole file as bytes, naming the path in the error.
func readBytes(_ path: String) throws -> [UInt8] {
    do {
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    } catch {
        throw CLIError("cannot read \(path): \(error.localizedDescription)")
    }
}
