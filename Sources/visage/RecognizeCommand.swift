import ArgumentParser
import Foundation
import Visage
import VisageModels
import VisageRecognition
import VisageStore

/// `visage recognize KNOWN_DIR UNKNOWN...`: face_recognition's command-line tool, without a gallery.
struct RecognizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognize",
        abstract: "face_recognition-compatible: name the faces of UNKNOWN photos from a folder of known photos.",
        discussion: """
        Known people are the image files of KNOWN_DIR, named by their file stems (first face of each \
        file). UNKNOWN may be files or folders. Prints `path,name` per face (`path,name,distance` with \
        --show-distance), `unknown_person` for faces above the tolerance and `no_persons_found` for \
        images without a face, like face_recognition, but only the best match per face. Exit code 0, \
        2 on an error.
        """)

    @Argument(help: "Folder of known people's photos (one face each; the file stem is the name).")
    var knownDirectory: String

    @Argument(help: "Photos or folders of photos to check.")
    var unknown: [String]

    @Option(name: .long, help: "Distance under which a face matches (face_recognition's default 0.6).")
    var tolerance: Float = 0.6

    @Flag(name: .customLong("show-distance"), help: "Append the distance to each line.")
    var showDistance = false

    @OptionGroup var options: GalleryOptions

    static let extensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm"]

    func validate() throws {
        guard tolerance.isFinite, tolerance > 0 else { throw ValidationError("--tolerance must be positive") }
        guard !unknown.isEmpty else { throw ValidationError("give at least one image or folder to check") }
    }

    func run() throws {
        let pipeline = try options.pipeline(for: .encoder(.of(.dlibResNet)))
        var names: [String] = [], known: [[Float]] = []
        for path in try Self.imageFiles(in: knownDirectory) {
            let faces = try pipeline.faces(in: try loadImage(path))
            let file = (path as NSString).lastPathComponent
            if faces.count > 1 { warn("WARNING: More than one face found in \(file). Only considering the first face.") }
            guard let face = faces.first else { warn("WARNING: No faces found in \(file). Ignoring file."); continue }
            names.append((file as NSString).deletingPathExtension)
            known.append(face.embedding)
        }
        var paths: [String] = []
        for item in unknown {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: item, isDirectory: &isDirectory), isDirectory.boolValue {
                paths += try Self.imageFiles(in: item)
            } else {
                paths.append(item)
            }
        }
        let progress = options.showsProgress && paths.count > 1 ? ProgressBar(total: paths.count, title: "recognizing") : nil
        for (i, path) in paths.enumerated() {
            let faces = try pipeline.faces(in: try loadImage(path))
            var lines: [(String, Float?, FaceDetection?)] = []
            for face in faces {
                let best = known.indices.map { (names[$0], euclideanDistance(known[$0], face.embedding)) }
                    .min { $0.1 < $1.1 }
                if let best, best.1 <= tolerance {
                    lines.append((best.0, best.1, face.detection))
                } else {
                    lines.append(("unknown_person", nil, face.detection))
                }
            }
            if options.json {
                print(JSON.object([("image", .string(path)), ("faces", .array(lines.map { line in
                    .object([("box", RecognitionOutput.box(.init(line.2!))),
                             ("identity", line.1 == nil ? .null : .string(line.0)),
                             ("distance", RecognitionOutput.optional(line.1))])
                }))]).text)
            } else if lines.isEmpty {
                print(showDistance ? "\(path),no_persons_found,None" : "\(path),no_persons_found")
            } else {
                for line in lines {
                    let distance = line.1.map { "\(Double($0))" } ?? "None"
                    print(showDistance ? "\(path),\(line.0),\(distance)" : "\(path),\(line.0)")
                }
            }
            progress?.update(i + 1)
        }
        progress?.finish()
    }

    private func warn(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// The image files of a folder (by extension), sorted by name.
    static func imageFiles(in directory: String) throws -> [String] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CLIError("cannot list \(directory): \(error.localizedDescription)")
        }
        return entries.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().map { (directory as NSString).appendingPathComponent($0) }
    }
}
