import Foundation

/// Reading a whole model file into one contiguous byte array.
enum DlibFile {
    /// The largest file accepted (dlib's models are at most ~100 MB).
    static let maxBytes = 1 << 31

    /// Reads `url` completely.
    /// - Throws: ``DlibFormatError/unreadable(path:reason:)``.
    static func readBytes(_ url: URL) throws -> [UInt8] {
        guard let file = fopen(url.path, "rb") else {
            throw DlibFormatError.unreadable(path: url.path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        guard fseeko(file, 0, SEEK_END) == 0 else {
            throw DlibFormatError.unreadable(path: url.path, reason: "not a seekable file")
        }
        let size = Int(ftello(file))
        guard size >= 0, size <= maxBytes, fseeko(file, 0, SEEK_SET) == 0 else {
            throw DlibFormatError.unreadable(path: url.path, reason: "size \(size) is not supported")
        }
        var readCount = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            readCount = size == 0 ? 0 : fread(buffer.baseAddress, 1, size, file)
            initialized = readCount
        }
        guard readCount == size else {
            throw DlibFormatError.unreadable(path: url.path, reason: "read \(readCount) of \(size) bytes")
        }
        return bytes
    }
}
