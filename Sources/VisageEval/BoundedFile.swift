import Foundation

/// Reads whole files after checking their size.
enum BoundedFile {
    /// Reads a file of at most `maxBytes` bytes.
    /// - Throws: ``EvalError/io(path:reason:)`` or ``EvalError/fileTooLarge(path:bytes:limit:)``.
    static func read(_ url: URL, maxBytes: Int) throws -> Data {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw EvalError.io(path: url.path, reason: "no such file")
        }
        guard size <= maxBytes else { throw EvalError.fileTooLarge(path: url.path, bytes: size, limit: maxBytes) }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw EvalError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Writes a file atomically.
    /// - Throws: ``EvalError/io(path:reason:)``.
    static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw EvalError.io(path: url.path, reason: error.localizedDescription)
        }
    }
}
