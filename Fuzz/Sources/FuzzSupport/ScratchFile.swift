import Foundation

/// A per-process file in a RAM-backed directory, for readers that only take a path (libhdf5).
public struct ScratchFile {
    /// The file's path.
    public let path: String

    /// Picks a path under /dev/shm (or the temporary directory) named after the process.
    /// - Parameter suffix: the file name's ending, e.g. ".h5".
    public init(suffix: String) {
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        path = "\(dir)/visage-fuzz-\(getpid())\(suffix)"
    }

    /// Replaces the file's contents with `bytes`.
    /// - Returns: whether the write succeeded.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var done = 0
        while done < bytes.count, let base = bytes.baseAddress {
            let n = Foundation.write(fd, base + done, bytes.count - done)
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
