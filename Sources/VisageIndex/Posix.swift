#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the index files need, named so that they cannot clash with methods.
enum Posix {
    static func openForReading(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }

    static func createForWriting(_ path: String) -> Int32 {
        open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }

    static func write(_ fd: Int32, _ p: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Glibc)
        return Glibc.write(fd, p, count)
        #elseif canImport(Musl)
        return Musl.write(fd, p, count)
        #else
        return Darwin.write(fd, p, count)
        #endif
    }

    static var lastError: Int32 { errno }
    /// Asks the kernel to start reading the pages of a mapped range (`MADV_WILLNEED`); a hint,
    /// errors ignored. `p` must be page-aligned.
    static func willNeed(_ p: UnsafeRawPointer, length: Int) {
        _ = madvise(UnsafeMutableRawPointer(mutating: p), length, MADV_WILLNEED)
    }

    /// One byte per page of a mapped range, bit 0 set when the page is resident (`mincore`);
    /// empty when the call fails. `p` must be page-aligned.
    static func residentPages(_ p: UnsafeRawPointer, pages: Int) -> [UInt8] {
        var flags = [UInt8](repeating: 0, count: pages)
        let ok = flags.withUnsafeMutableBufferPointer {
            mincore(UnsafeMutableRawPointer(mutating: p), pages * pageSize, $0.baseAddress) == 0
        }
        return ok ? flags : []
    }
    static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    static var processID: Int32 { getpid() }
}
