import Foundation

/// Whole-file reads and writes with errors as ``ImageError/io(path:reason:)``.
enum FileIO {
    /// Reads a file, refusing files larger than `maxBytes` before reading them.
    static func read(path: String, maxBytes: Int) throws -> [UInt8] {
        let url = URL(fileURLWithPath: path)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ImageError.io(path: path, reason: FileManager.default.fileExists(atPath: path)
                                ? "cannot read its attributes (\(error.localizedDescription))" : "no such file")
        }
        if (attributes[.type] as? FileAttributeType) == .typeDirectory {
            throw ImageError.io(path: path, reason: "it is a directory, not an image file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maxBytes {
            throw ImageError.fileTooLarge(bytes: size, limit: maxBytes)
        }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw ImageError.io(path: path, reason: error.localizedDescription)
        }
    }

    /// Writes bytes to a file atomically.
    static func write(_ bytes: [UInt8], path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ImageError.io(path: path, reason: error.localizedDescription)
        }
    }
}
