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

    static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    static var processID: Int32 { getpid() }
}
