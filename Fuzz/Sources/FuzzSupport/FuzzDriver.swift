import Foundation

/// The signature libFuzzer calls for every input: a pointer to the bytes and their count.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// libFuzzer's entry point for programs that keep their own `main` (LLVM 11 and later).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzCallback) -> CInt

/// The `main` of every fuzz target.
///
/// SwiftPM links an executable with `main` aliased to `<module>_main`, so libFuzzer's own `main`
/// is never pulled in; each target defines that symbol and calls this function.
///
/// - `fuzz-X seeds DIR` writes the target's generated seed inputs into DIR and exits.
/// - Anything else is handed to libFuzzer (`fuzz-X CORPUS_DIR -max_total_time=60 ...`).
/// - Parameters:
///   - argc: the process's argument count.
///   - argv: the process's arguments.
///   - seeds: the target's generated seeds, as (file name, bytes).
///   - callback: the function libFuzzer calls for each input; it must return 0.
/// - Returns: the process's exit status.
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                     seeds: () throws -> [(String, [UInt8])], callback: FuzzCallback) -> CInt {
    let arguments = (0..<Int(argc)).map { argv?[$0].map { String(cString: $0) } ?? "" }
    if arguments.count == 3, arguments[1] == "seeds" {
        do {
            let dir = URL(fileURLWithPath: arguments[2], isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let all = try seeds()
            for (name, bytes) in all { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
            FileHandle.standardError.write(Data("wrote \(all.count) seeds to \(dir.path)\n".utf8))
            return 0
        } catch {
            FileHandle.standardError.write(Data("cannot write seeds: \(error)\n".utf8))
            return 2
        }
    }
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, callback)
}

/// The input as a buffer (libFuzzer may pass a null pointer for the empty input).
/// - Parameters:
///   - start: the pointer libFuzzer passed.
///   - count: the number of bytes.
public func fuzzBytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> UnsafeBufferPointer<UInt8> {
    guard let start, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
    return UnsafeBufferPointer(start: start, count: count)
}
