import Foundation

/// Why a checksum of a file could not be computed.
public enum ChecksumError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)

    /// A message naming the file and the cause.
    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path) to compute its checksum: \(reason)"
        }
    }
}

extension SHA256 {
    /// The SHA-256 digest of a file's contents, read in 1 MiB pieces (constant memory).
    /// - Parameter url: a file URL.
    /// - Returns: the 32-byte digest; format it with ``hex(_:)``.
    /// - Throws: ``ChecksumError/unreadable(path:reason:)`` when the file cannot be opened or read.
    public static func hash(contentsOf url: URL) throws -> [UInt8] {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ChecksumError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw ChecksumError.unreadable(path: url.path, reason: error.localizedDescription)
            }
            guard let chunk, !chunk.isEmpty else { break }
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        return hasher.finalize()
    }
}
