import Foundation

/// Runs the real `visage` binary built beside the test bundle.
public enum CLI {
    /// What a run printed and how it ended.
    public struct Result: Sendable {
        /// The exit status.
        public let status: Int32
        /// Standard output.
        public let stdout: String
        /// Standard error.
        public let stderr: String

        /// Standard output split into non-empty lines.
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        /// Each stdout line parsed as a JSON object.
        public func jsonLines() throws -> [[String: Any]] {
            try lines.map { line in
                guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                    throw TestData.Missing(description: "not a JSON object: \(line)")
                }
                return object
            }
        }
    }

    /// The `visage` executable next to the running test bundle.
    /// - Throws: ``TestData/Missing`` when it was not built.
    public static func binary() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = bundle.deletingLastPathComponent()
        // On Linux the runner is `<build>/VisagePackageTests.xctest`; elsewhere it may be nested.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("visage")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        throw TestData.Missing(description: "the visage binary was not found beside \(bundle.path): build it with `swift build` (scripts/test.sh does)")
    }

    /// Runs `visage` with arguments and optional extra environment.
    /// - Parameters:
    ///   - arguments: the command line after `visage`.
    ///   - environment: variables added to this process's environment.
    ///   - input: bytes written to the child's standard input (`/dev/null` when nil).
    ///   - addressSpaceLimitKiB: when set, the child runs under `ulimit -v` of this many KiB (through
    ///     `/bin/sh`, which `exec`s it), so any allocation that would take it past the limit fails.
    ///     This checks "never asks for that much memory" exactly, where the child's `ru_maxrss`
    ///     cannot: a child started with `posix_spawn` shares this process's memory until it `exec`s,
    ///     and Linux carries that peak into the child's own figure.
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           input: Data? = nil, addressSpaceLimitKiB: Int? = nil) throws -> Result {
        let process = Process()
        if let addressSpaceLimitKiB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(addressSpaceLimitKiB) && exec \"$0\" \"$@\"", try binary().path] + arguments
        } else {
            process.executableURL = try binary()
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if let input {
            let inPipe = Pipe()
            process.standardInput = inPipe
            try process.run()
            inPipe.fileHandleForWriting.write(input)
            try inPipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }
        // Read both pipes before waiting so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let stderrBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }
}
