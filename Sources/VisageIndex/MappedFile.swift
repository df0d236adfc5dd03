#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole file mapped read-only and shared, so that processes opening the same index share
/// its pages through the page cache. Unmapped when released.
final class MappedFile {
    let base: UnsafeRawPointer
    let length: Int
    let path: String

    /// Maps `path`; files shorter than `minimumLength` are rejected before mapping.
    init(path: String, minimumLength: Int) throws {
        self.path = path
        let fd = Posix.openForReading(path)
        guard fd >= 0 else { throw VectorIndexError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw VectorIndexError.io(path: path, operation: "stat", errno: errno) }
        let size = Int(info.st_size)
        guard size >= minimumLength else {
            throw VectorIndexError.corruptFile(path: path, reason: "\(size) bytes is shorter than the \(minimumLength)-byte header")
        }
        let p: UnsafeMutableRawPointer? = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
        guard let p, p != UnsafeMutableRawPointer(bitPattern: -1) else {
            throw VectorIndexError.io(path: path, operation: "map", errno: errno)
        }
        base = UnsafeRawPointer(p)
        length = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Tells the kernel that a range will be read at random (no read-ahead), e.g. the float32
    /// vectors that only re-ranking touches.
    func adviseRandomAccess(offset: Int, length count: Int) {
        let page = Posix.pageSize
        let start = offset / page * page
        let end = Swift.min(offset + count, length)
        guard end > start else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_RANDOM)
    }
}
