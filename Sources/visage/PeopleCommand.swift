import ArgumentParser
import Foundation
import VisageStore

/// `visage people list|show|rename|remove`: the people of the gallery.
struct PeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "List, show, rename or remove people of the gallery.",
        subcommands: [List.self, Show.self, Rename.self, Remove.self])

    /// `people list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every person with their number of photos.")
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForReading()
            defer { try? gallery.close() }
            for person in try gallery.people() {
                if options.json {
                    print(PeopleCommand.json(person).text)
                } else {
                    print("\(person.name)\t\(person.faceCount) photo\(person.faceCount == 1 ? "" : "s")")
                }
            }
        }
    }

    /// `people show NAME`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A person's photos (face samples).")
        @Argument(help: "The person's name.") var name: String
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForReading()
            defer { try? gallery.close() }
            guard let person = try gallery.person(named: name) else { throw GalleryError.unknownPerson(name: name) }
            let faces = try gallery.faces(of: name)
            if options.json {
                var object = PeopleCommand.json(person)
                if case .object(var pairs) = object {
                    pairs.append(("samples", .array(faces.map { f in
                        .object([("face_id", .int(Int(f.id.rawValue))), ("sha256", .string(f.imageSHA256)),
                                 ("box", RecognitionOutput.box(f.box)), ("quality", .number(f.quality, decimals: 4)),
                                 ("has_crop", .bool(f.hasCrop)), ("created_at", .string(PeopleCommand.date(f.createdAt)))])
                    })))
                    object = .object(pairs)
                }
                print(object.text)
            } else {
                print("\(person.name): \(faces.count) photo(s), enrolled \(PeopleCommand.date(person.createdAt))")
                for (key, value) in person.metadata.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
                for f in faces {
                    print("  face \(f.id): sha256 \(f.imageSHA256.prefix(12))…, box [\(Int(f.box.left)),\(Int(f.box.top)),\(Int(f.box.right)),\(Int(f.box.bottom))], score \(String(format: "%.2f", f.quality))\(f.hasCrop ? ", crop" : "")")
                }
            }
        }
    }

    /// `people rename OLD NEW`.
    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a person (the new name must be free).")
        @Argument(help: "The current name.") var name: String
        @Argument(help: "The new name.") var newName: String
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForWriting()
            defer { try? gallery.close() }
            try gallery.rename(name, to: newName)
            print(options.json ? JSON.object([("renamed", .string(name)), ("to", .string(newName))]).text
                               : "renamed \"\(name)\" to \"\(newName)\"")
        }
    }

    /// `people remove NAME`.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a person and all their photos.")
        @Argument(help: "The person's name.") var name: String
        @OptionGroup var options: GalleryOptions

        func run() throws {
            let gallery = try options.openForWriting()
            defer { try? gallery.close() }
            try gallery.removePerson(name)
            print(options.json ? JSON.object([("removed", .string(name))]).text : "removed \"\(name)\"")
        }
    }

    static func json(_ p: Person) -> JSON {
        .object([("name", .string(p.name)), ("faces", .int(p.faceCount)), ("created_at", .string(date(p.createdAt))),
                 ("metadata", .object(p.metadata.sorted { $0.key < $1.key }.map { ($0.key, JSON.string($0.value)) }))])
    }

    static func date(_ d: Date) -> String { ISO8601DateFormatter().string(from: d) }
}
