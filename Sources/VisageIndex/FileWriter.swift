#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sequential writes to a new file through a buffer, the header written last at offset 0.
final class FileWriter {
    private let fd: Int32
    private let path: String
    private var buffer = [UInt8]()
    private var offset: Int
    private static let bufferSize = 1 << 20

    /// Creates (or truncates) the file and reserves the header.
    init(path: String) throws {
        self.path = path
        fd = Posix.createForWriting(path)
        guard fd >= 0 else { throw VectorIndexError.io(path: path, operation: "create", errno: errno) }
        offset = IndexFileLayout.headerSize
        buffer = [UInt8](repeating: 0, count: IndexFileLayout.headerSize)
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close(fd) }

    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        offset += bytes.count
    }

    /// Appends zeros up to `position`.
    func pad(to position: Int) throws {
        if position > offset {
            let zeros = [UInt8](repeating: 0, count: position - offset)
            try zeros.withUnsafeBytes { try write($0) }
        }
    }

    /// Flushes, writes the header at offset 0 and syncs the file to disk.
    func finish(header: [UInt8]) throws {
        try flush()
        let written = header.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == header.count else { throw VectorIndexError.io(path: path, operation: "write", errno: errno) }
        guard fsync(fd) == 0 else { throw VectorIndexError.io(path: path, operation: "sync", errno: errno) }
    }

    /// Deletes the partly written file.
    func discard() { unlink(path) }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = Posix.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VectorIndexError.io(path: path, operation: "write", errno: errno) }
            done += n
        }
    }
}
