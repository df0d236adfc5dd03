import Foundation
import VisageModels

/// A record that a model file was hashed and matched its expected SHA-256, so later runs can
/// skip hashing it (a 100 MB model costs a noticeable fraction of a second every time).
///
/// Stored next to the file as `<name>.sha256-verified`, one line:
/// `v1 <sha256> <size> <mtime as Double bit pattern> <inode>`. The stamp is valid only while
/// the file keeps the same size, modification time and inode; `scripts/setup.sh` deletes it
/// when it replaces a file.
struct VerificationStamp: Equatable {
    /// The suffix added to the model file's name.
    static let suffix = ".sha256-verified"

    /// The SHA-256 the file was verified against.
    let sha256: String
    /// The file's size in bytes when verified.
    let size: Int64
    /// The bit pattern of the file's modification time (seconds since 1970) when verified.
    let modified: UInt64
    /// The file's inode number when verified (0 when the file system does not report one).
    let inode: UInt64

    /// The stamp a file would have now, if it matches `sha256`.
    /// - Returns: nil when the file's attributes cannot be read.
    static func current(of url: URL, sha256: String) -> VerificationStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = (attributes[.size] as? NSNumber)?.int64Value,
              let date = attributes[.modificationDate] as? Date
        else { return nil }
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
        return VerificationStamp(sha256: sha256, size: size,
                                 modified: date.timeIntervalSince1970.bitPattern, inode: inode)
    }

    /// The location of the stamp for the file at `url`.
    static func location(for url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + suffix)
    }

    /// The stamp stored for the file at `url`, or nil when there is none or it is malformed.
    static func stored(for url: URL) -> VerificationStamp? {
        let stampURL = location(for: url)
        guard let data = try? Data(contentsOf: stampURL), data.count < 512 else { return nil }
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard fields.count == 5, fields[0] == "v1",
              let size = Int64(fields[2]), let modified = UInt64(fields[3]),
              let inode = UInt64(fields[4])
        else { return nil }
        return VerificationStamp(sha256: String(fields[1]), size: size, modified: modified, inode: inode)
    }

    /// Stores this stamp next to the file at `url`. Best effort: a read-only model folder only
    /// means the file is hashed again next time.
    func write(for url: URL) {
        let line = "v1 \(sha256) \(size) \(modified) \(inode)\n"
        try? Data(line.utf8).write(to: Self.location(for: url), options: .atomic)
    }

    /// Removes the stamp of the file at `url`, if any.
    static func remove(for url: URL) {
        try? FileManager.default.removeItem(at: location(for: url))
    }
}
