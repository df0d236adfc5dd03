import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension CLI {
    /// What a run printed on standard error, how it ended, and the most memory it held.
    public struct MeasuredResult: Sendable {
        /// The exit status (128 + signal number when it was killed by a signal).
        public let status: Int32
        /// Standard error.
        public let stderr: String
        /// The child's peak resident set size in KiB (`ru_maxrss` from `wait4`).
        public let peakResidentKiB: Int
    }

    /// Runs `visage` with standard output discarded and reports the child's own peak RSS, so a
    /// test can check that a hostile input was refused before anything large was allocated.
    /// - Parameter arguments: the command line after `visage`.
    /// - Throws: ``TestData/Missing`` when the binary is missing, ``TestData/Missing`` when it cannot start.
    public static func runMeasuringMemory(_ arguments: [String]) throws -> MeasuredResult {
        let path = try binary().path
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("visage-stderr-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw TestData.Missing(description: "cannot start \(path): error \(spawned)") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exited = status & 0x7F == 0
        let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return MeasuredResult(status: code, stderr: stderr, peakResidentKiB: usage.ru_maxrss)
    }
}
