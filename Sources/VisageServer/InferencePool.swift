import Foundation
import NIOConcurrencyHelpers
import NIOPosix

/// A fixed set of threads for CPU-heavy work (decoding, detection, embedding), so that it never
/// runs on the event loop or blocks Swift's cooperative threads.
///
/// Admission is bounded: when ``capacity`` jobs are already running or waiting, ``run(_:)``
/// throws ``ServerError/overloaded`` at once instead of queueing without limit. Async work (the
/// recognizer's enrolment and verification, which detect and embed inside async functions) runs
/// on the same threads through a task-executor preference.
public final class InferencePool: Sendable {
    private let threads: NIOThreadPool
    private let pending = NIOLockedValueBox(0)
    private let executor: (any Sendable)?
    /// The number of worker threads.
    public let workers: Int
    /// Running plus waiting jobs accepted before ``ServerError/overloaded``.
    public let capacity: Int

    /// Starts the worker threads.
    /// - Parameters:
    ///   - workers: thread count (at least 1).
    ///   - maxQueued: jobs that may wait beyond the running ones.
    public init(workers: Int, maxQueued: Int) {
        self.workers = max(1, workers)
        self.capacity = self.workers + max(0, maxQueued)
        threads = NIOThreadPool(numberOfThreads: self.workers)
        threads.start()
        if #available(macOS 15, *) {
            executor = PoolTaskExecutor(threads: threads)
        } else {
            executor = nil
        }
    }

    /// Jobs accepted and not yet finished.
    public var load: Int { pending.withLockedValue { $0 } }

    /// Runs `body` on a worker thread and returns its result.
    /// - Throws: ``ServerError/overloaded`` when the pool is full, or what `body` throws.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try admit()
        defer { pending.withLockedValue { $0 -= 1 } }
        return try await threads.runIfActive(body)
    }

    /// Runs async `body` with the pool's threads as its preferred executor, so its synchronous
    /// stretches (detection, embedding) run there and not on Swift's cooperative threads.
    /// - Throws: ``ServerError/overloaded`` when the pool is full, or what `body` throws.
    public func runAsync<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try admit()
        defer { pending.withLockedValue { $0 -= 1 } }
        if #available(macOS 15, *), let executor = executor as? PoolTaskExecutor {
            return try await withTaskExecutorPreference(executor) { try await body() }
        }
        return try await body()
    }

    private func admit() throws {
        let admitted = pending.withLockedValue { count -> Bool in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard admitted else { throw ServerError.overloaded }
    }

    /// Stops the threads after the running jobs finish.
    public func shutdown() async throws {
        try await threads.shutdownGracefully()
    }
}

/// Runs Swift concurrency jobs on the pool's threads.
@available(macOS 15, *)
final class PoolTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let threads: NIOThreadPool

    init(threads: NIOThreadPool) { self.threads = threads }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        threads.submit { [self] _ in job.runSynchronously(on: asUnownedTaskExecutor()) }
    }
}
