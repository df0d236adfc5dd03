#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kernel's page cache of one file, for honest memory figures in benchmarks.
enum PageCache {
    /// Evicts the file's clean pages from the page cache (Linux), so that the next open and
    /// reads are cold. Returns `false` where that is not possible.
    @discardableResult
    static func drop(path: String) -> Bool {
        #if os(Linux)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0
        #else
        return false
        #endif
    }

    /// Bytes of the file currently in the page cache (`mincore`, Linux), or `nil`.
    static func cachedBytes(path: String) -> Int? {
        #if os(Linux)
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size > 0 else { return nil }
        let length = Int(info.st_size)
        guard let p = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), p != UnsafeMutableRawPointer(bitPattern: -1) else {
            return nil
        }
        defer { munmap(p, length) }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: (length + page - 1) / page)
        guard mincore(p, length, &vector) == 0 else { return nil }
        return vector.reduce(0) { $0 + Int($1 & 1) } * page
        #else
        return nil
        #endif
    }
}
