import Foundation
import VisageImage

/// Names and their reference encodings: the course's `database` dictionary, kept in order.
///
/// One photo per person is enough (one-shot learning): the encoder, not the database, carries
/// what was learned about faces.
public struct FaceDatabase: Sendable {
    /// One enrolled identity.
    public struct Entry: Sendable, Equatable {
        /// The person's name.
        public let name: String
        /// The encoding of their reference photo.
        public let encoding: [Float]
    }

    /// The entries, in enrolment order (`whoIsIt` keeps the first strict minimum).
    public private(set) var entries: [Entry] = []

    /// An empty database.
    public init() {}

    /// Adds or replaces a person.
    public mutating func add(name: String, encoding: [Float]) {
        if let i = entries.firstIndex(where: { $0.name == name }) {
            entries[i] = Entry(name: name, encoding: encoding)
        } else {
            entries.append(Entry(name: name, encoding: encoding))
        }
    }

    /// The encoding of a name, if enrolled.
    public func encoding(of name: String) -> [Float]? { entries.first { $0.name == name }?.encoding }

    /// Builds a database from a folder holding one photo per person, named after the person
    /// (`younes.jpg` → "younes"). Files are taken in name order; other files are ignored.
    /// - Parameters:
    ///   - folder: the folder.
    ///   - encoder: the encoder that makes every encoding.
    ///   - limits: decoding limits for the photos.
    /// - Throws: ``CourseError/emptyDatabase(_:)`` when no image is found, or the image error of
    ///   an unreadable photo (named by its path).
    public init(folder: URL, encoder: FaceEncoder, limits: DecodeLimits = .default) throws {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { Self.imageExtensions.contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw CourseError.emptyDatabase(folder.path) }
        var images: [Image] = []
        for file in files {
            do {
                images.append(try Image.load(path: file.path, limits: limits))
            } catch {
                throw CourseError.unreadableImage(file.path, "\(error)")
            }
        }
        for (file, encoding) in zip(files, try encoder.encode(images)) {
            add(name: file.deletingPathExtension().lastPathComponent, encoding: encoding)
        }
    }

    /// The file extensions taken as photos.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm"]
}
