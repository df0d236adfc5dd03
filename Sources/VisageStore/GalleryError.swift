import Foundation

/// Everything that can go wrong while opening, reading or writing a gallery.
///
/// Every case carries the context a user needs, and ``description`` says what to do next.
/// Whenever one of these errors is thrown by a write, the gallery is left unchanged.
public enum GalleryError: Error, Equatable, CustomStringConvertible {
    /// No gallery exists at `path` and the caller did not ask to create one.
    case notFound(path: String)
    /// The file cannot be opened or created (missing directory, not a regular file, ...).
    case cannotOpen(path: String, reason: String)
    /// The gallery is read-only: the file or its directory is not writable, or it was opened read-only.
    case readOnly(path: String)
    /// The file is not an SQLite database, or SQLite reports damage.
    case corrupt(path: String, reason: String)
    /// The file is a valid SQLite database that is not a Visage gallery.
    case notAGallery(path: String)
    /// The gallery was written by a newer Visage whose schema this version does not know.
    case newerSchema(path: String)
    /// The gallery is bound to a different embedding model than the one requested.
    case modelMismatch(gallery: GalleryModel, requested: GalleryModel)
    /// An embedding does not have the gallery's dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// An embedding contains NaN or infinite values.
    case nonFiniteEmbedding
    /// No person has this name.
    case unknownPerson(name: String)
    /// No face sample has this identifier.
    case unknownFace(id: Int64)
    /// A person with this name already exists.
    case duplicateName(name: String)
    /// The name is empty, only whitespace, or too long.
    case invalidName(name: String)
    /// A face sample is malformed (bad SHA-256, empty box, non-finite values, ...).
    case invalidFace(reason: String)
    /// Metadata or calibration text is not what the gallery accepts.
    case invalidJSON(reason: String)
    /// A line of a JSON-lines import is malformed; nothing was imported.
    case invalidImport(line: Int, reason: String)
    /// The gallery stayed locked by another process longer than the busy timeout.
    case busy(path: String)
    /// Re-embedding needs the aligned crops, and these face samples have none.
    case missingCrops(faces: [Int64])
    /// Another process changed the gallery while a long operation was computing; nothing was written.
    case changedConcurrently(path: String)
    /// Any other SQLite failure, with SQLite's own message.
    case database(path: String, message: String)
    /// Reading or writing an export file failed.
    case io(path: String, reason: String)

    /// A message that says what happened and what to do about it.
    public var description: String {
        switch self {
        case .notFound(let path):
            return "No gallery at \(path). Enrol someone to create it, or pass --gallery PATH to use another file."
        case .cannotOpen(let path, let reason):
            return "Cannot open the gallery at \(path): \(reason). Check that the directory exists and the path is a file."
        case .readOnly(let path):
            return "The gallery at \(path) is read-only. Make the file and its directory writable, or use a read-only command."
        case .corrupt(let path, let reason):
            return "The gallery at \(path) is damaged or not a database (\(reason)). Restore it from an export (visage gallery import) or use another path."
        case .notAGallery(let path):
            return "\(path) is an SQLite database but not a Visage gallery. Pass --gallery with another path."
        case .newerSchema(let path):
            return "The gallery at \(path) was written by a newer Visage. Upgrade Visage to use it."
        case .modelMismatch(let gallery, let requested):
            return "The gallery is bound to model \(gallery) but \(requested) was requested. Use the gallery's model, or run `visage gallery reembed` to migrate it to the new model."
        case .dimensionMismatch(let expected, let actual):
            return "Embedding has \(actual) values but the gallery's model produces \(expected)."
        case .nonFiniteEmbedding:
            return "Embedding contains NaN or infinite values; the face was not enrolled."
        case .unknownPerson(let name):
            return "No person named \"\(name)\" in the gallery (names are case-sensitive). See `visage people list`."
        case .unknownFace(let id):
            return "No face sample with id \(id) in the gallery. See `visage people show NAME`."
        case .duplicateName(let name):
            return "A person named \"\(name)\" already exists (names are case-sensitive). Choose another name or enrol into the existing person."
        case .invalidName(let name):
            return "\"\(name)\" is not a valid name: names must be 1–\(Gallery.maximumNameLength) characters and not only whitespace."
        case .invalidFace(let reason):
            return "Invalid face sample: \(reason)."
        case .invalidJSON(let reason):
            return "Invalid JSON: \(reason)."
        case .invalidImport(let line, let reason):
            return "Import line \(line): \(reason). Nothing was imported."
        case .missingCrops(let faces):
            let list = faces.prefix(10).map(String.init).joined(separator: ", ")
            return "\(faces.count) face sample(s) have no stored crop (ids \(list)\(faces.count > 10 ? ", ..." : "")), so they cannot be re-embedded. Remove them (or re-enrol from the photos) and retry."
        case .changedConcurrently(let path):
            return "The gallery at \(path) was changed by another process during the operation; nothing was written. Retry."
        case .busy(let path):
            return "The gallery at \(path) stayed locked by another process. Retry when the other process has finished."
        case .database(let path, let message):
            return "SQLite error on the gallery at \(path): \(message)."
        case .io(let path, let reason):
            return "Cannot read or write \(path): \(reason)."
        }
    }
}
