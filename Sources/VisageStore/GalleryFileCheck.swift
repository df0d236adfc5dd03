import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Checks a gallery path before SQLite touches it, so that foreign or damaged files are never written.
enum GalleryFileCheck {
    private static let sqliteHeader = Array("SQLite format 3\u{0}".utf8)

    /// Validates `path` and tells whether the file already existed.
    ///
    /// Writability is decided with `access(2)`; note that for the super-user this only fails
    /// on read-only file systems, as root bypasses permission bits.
    static func check(path: String, create: Bool, mode: Gallery.AccessMode) throws -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = manager.fileExists(atPath: path, isDirectory: &isDirectory)
        let directory = (path as NSString).deletingLastPathComponent.isEmpty
            ? "." : (path as NSString).deletingLastPathComponent
        if isDirectory.boolValue {
            throw GalleryError.cannotOpen(path: path, reason: "it is a directory")
        }
        guard exists else {
            guard create, mode == .readWrite else { throw GalleryError.notFound(path: path) }
            var directoryIsDirectory: ObjCBool = false
            guard manager.fileExists(atPath: directory, isDirectory: &directoryIsDirectory),
                  directoryIsDirectory.boolValue else {
                throw GalleryError.cannotOpen(path: path, reason: "directory \(directory) does not exist")
            }
            guard access(directory, W_OK) == 0 else { throw GalleryError.readOnly(path: path) }
            return false
        }
        guard access(path, R_OK) == 0 else {
            throw GalleryError.cannotOpen(path: path, reason: "permission denied")
        }
        try checkHeader(path: path, create: create)
        if mode == .readWrite && (access(path, W_OK) != 0 || access(directory, W_OK) != 0) {
            throw GalleryError.readOnly(path: path)
        }
        return true
    }

    /// Refuses files that do not start with SQLite's magic header (an empty file is a new gallery only with `create`).
    private static func checkHeader(path: String, create: Bool) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw GalleryError.cannotOpen(path: path, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: sqliteHeader.count)) ?? Data())
        if head.isEmpty {
            if create { return }
            throw GalleryError.corrupt(path: path, reason: "the file is empty")
        }
        guard head == sqliteHeader else {
            throw GalleryError.corrupt(path: path, reason: "file is not a database")
        }
    }
}
