import Foundation

/// Holds the result of an async body for ``runBlocking(_:)``.
private final class BlockingResult<T>: @unchecked Sendable {
    var value: Result<T, Error>?
}

/// Runs an async body to completion from synchronous command code (the commands are
/// `ParsableCommand`s; the recognition library is async so that the server can share it).
func runBlocking<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let result = BlockingResult<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { result.value = .success(try await body()) } catch { result.value = .failure(error) }
        done.signal()
    }
    done.wait()
    return try result.value!.get()
}

/// A progress bar is updated from the single task that runs a command (see ``runBlocking(_:)``).
extension ProgressBar: @unchecked Sendable {}
