import ArgumentParser
import Foundation
import Visage
import VisageImage
import VisageModels
import VisageRecognition
import VisageStore

/// How `gallery import` treats names already in the gallery.
enum ImportConflictOption: String, CaseIterable, ExpressibleByArgument {
    /// Refuse the whole import.
    case fail
    /// Add the imported photos to the existing person.
    case merge
}

/// `visage gallery export|import|stats|reembed`.
struct GalleryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Export, import, inspect or re-embed the gallery.",
        subcommands: [Export.self, Import.self, Stats.self, Reembed.self])

    /// `gallery export FILE`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the gallery as JSON lines (with embeddings).")
        @Argument(help: "The output file.") var output: String
        @Flag(name: .customLong("no-crops"), help: "Leave out the aligned crops (smaller, but not re-embeddable).")
        var noCrops = false
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForReading()
            defer { try? gallery.close() }
            try gallery.exportJSONLines(to: URL(fileURLWithPath: output), includeCrops: !noCrops)
            let stats = try gallery.stats()
            print(options.json ? JSON.object([("exported", .string(output)), ("people", .int(stats.people)), ("faces", .int(stats.faces))]).text
                               : "exported \(stats.people) people, \(stats.faces) photos to \(output)")
        }
    }

    /// `gallery import FILE`.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add the people of a JSON-lines export (all or nothing).")
        @Argument(help: "The export file.") var input: String
        @Option(name: .customLong("on-conflict"), help: "For names already present: fail or merge.")
        var onConflict: ImportConflictOption = .fail
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let model = try ExportHeader.model(of: input)
            let gallery = FileManager.default.fileExists(atPath: options.gallery)
                ? try options.openForWriting() : try Gallery.open(path: options.gallery, model: model, create: true)
            defer { try? gallery.close() }
            let summary = try gallery.importJSONLines(from: URL(fileURLWithPath: input),
                                                      onConflict: onConflict == .merge ? .merge : .fail)
            print(options.json
                  ? JSON.object([("people", .int(summary.people)), ("merged", .int(summary.merged)), ("faces", .int(summary.faces))]).text
                  : "imported \(summary.people) new people, \(summary.merged) merged, \(summary.faces) photos")
        }
    }

    /// `gallery stats`.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts, model, schema and size.")
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForReading()
            defer { try? gallery.close() }
            let s = try gallery.stats()
            let calibrated = try gallery.calibration() != nil
            if options.json {
                print(JSON.object([
                    ("path", .string(gallery.path)), ("model", .string(s.model.id)),
                    ("preprocessing_version", .int(s.model.preprocessingVersion)), ("dimension", .int(s.model.dimension)),
                    ("people", .int(s.people)), ("faces", .int(s.faces)), ("faces_with_crops", .int(s.facesWithCrops)),
                    ("calibrated", .bool(calibrated)), ("version", .int(Int(s.version))),
                    ("schema", .array(s.schemaMigrations.map(JSON.string))), ("file_bytes", .int(Int(s.fileBytes))),
                ]).text)
            } else {
                print("""
                gallery: \(gallery.path)
                model: \(s.model)
                people: \(s.people), photos: \(s.faces) (\(s.facesWithCrops) with crops)
                calibration: \(calibrated ? "yes" : "none (visage calibrate DIR --gallery \(gallery.path))")
                schema: \(s.schemaMigrations.joined(separator: ", ")), change counter \(s.version)
                size: \(s.fileBytes) bytes
                """)
            }
        }
    }

    /// `gallery reembed --model ID`.
    struct Reembed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every embedding with another model from the stored crops, and rebind the gallery.")
        @Option(name: .long, help: "The new encoder.") var model: EncoderID
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForWriting()
            defer { try? gallery.close() }
            let encoder = try EncoderLoader(store: ModelStore()).encoder(model)
            let newModel = GalleryModel.encoder(encoder.descriptor)
            let total = try gallery.stats().faces
            let progress = options.showsProgress ? ProgressBar(total: total, title: "re-embedding") : nil
            var done = 0
            let count = try gallery.reembed(to: newModel) { crop, _ in
                let chip = try Image.decode(data: crop)
                done += 1
                progress?.update(done)
                return try encoder.encode(chip)
            }
            progress?.finish()
            print(options.json ? JSON.object([("reembedded", .int(count)), ("model", .string(newModel.description))]).text
                               : "re-embedded \(count) photos with \(newModel)")
        }
    }
}

/// Reads the model from the header line of a gallery export.
enum ExportHeader {
    static func model(of path: String) throws -> GalleryModel {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GalleryError.io(path: path, reason: "cannot open the file") }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 4096)) ?? Data()
        let line = head.split(separator: 0x0A, maxSplits: 1).first ?? Data()
        struct Header: Decodable { var model: GalleryModel }
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(line)) else {
            throw GalleryError.invalidImport(line: 1, reason: "the first line is not a gallery export header")
        }
        return header.model
    }
}
