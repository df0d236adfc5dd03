import Foundation
import NIOConcurrencyHelpers

/// Runs an operation with a deadline; when the deadline passes first, the caller gets
/// ``ServerError/timeout(seconds:)`` at once and the operation is cancelled (work already on an
/// ``InferencePool`` thread finishes there, but nobody waits for it).
enum RequestTimeout {
    /// Returns the operation's result, or throws `timeout` after `seconds`.
    static func run<T: Sendable>(seconds: Double,
                                 _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let gate = Gate<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
                gate.install(continuation)
                let work = Task {
                    do { gate.finish(.success(try await operation())) } catch { gate.finish(.failure(error)) }
                }
                let timer = Task {
                    try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                    if !Task.isCancelled, gate.finish(.failure(ServerError.timeout(seconds: seconds))) {
                        work.cancel()
                    }
                }
                gate.onFinish { timer.cancel() }
                gate.onCancel { work.cancel() }
            }
        } onCancel: {
            gate.cancel()
        }
    }

    /// Resumes a continuation exactly once and runs clean-ups.
    private final class Gate<T: Sendable>: @unchecked Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, Error>?
            var result: Result<T, Error>?
            var finishers: [@Sendable () -> Void] = []
            var cancellers: [@Sendable () -> Void] = []
            var done = false
        }
        private let state = NIOLockedValueBox(State())

        func install(_ continuation: CheckedContinuation<T, Error>) {
            let early = state.withLockedValue { s -> Result<T, Error>? in
                if let result = s.result { return result }
                s.continuation = continuation
                return nil
            }
            if let early { continuation.resume(with: early) }
        }

        /// Delivers a result if none was delivered yet; returns whether this call delivered it.
        @discardableResult
        func finish(_ result: Result<T, Error>) -> Bool {
            let (won, continuation, finishers) = state.withLockedValue { s -> (Bool, CheckedContinuation<T, Error>?, [@Sendable () -> Void]) in
                if s.done { return (false, nil, []) }
                s.done = true
                let c = s.continuation
                s.continuation = nil
                if c == nil { s.result = result }
                let f = s.finishers
                s.finishers = []
                return (true, c, f)
            }
            continuation?.resume(with: result)
            finishers.forEach { $0() }
            return won
        }

        func onFinish(_ action: @escaping @Sendable () -> Void) {
            let runNow = state.withLockedValue { s -> Bool in
                if s.done { return true }
                s.finishers.append(action)
                return false
            }
            if runNow { action() }
        }

        func onCancel(_ action: @escaping @Sendable () -> Void) {
            state.withLockedValue { $0.cancellers.append(action) }
        }

        func cancel() {
            let actions = state.withLockedValue { s -> [@Sendable () -> Void] in
                let a = s.cancellers
                s.cancellers = []
                return a
            }
            actions.forEach { $0() }
        }
    }
}
