import Foundation
import Logging
import PostgresNIO
import VisageStore

extension PostgresGallery {
    /// The gallery's versions as they change, from this process or any other on the database.
    ///
    /// The stream first yields the current version once it is listening (so a change made
    /// between building an index and subscribing is never missed), then the version of every
    /// committed change, as sent by `NOTIFY` on ``PostgresGalleryConfiguration/channel``. Versions
    /// arrive in commit order; when the connection drops, the stream reconnects (with back-off)
    /// and yields the current version again. Values may repeat: compare with the version of your
    /// index (``VisageStore/GalleryEmbeddings/version``) and reload when it is greater.
    ///
    /// Each stream uses its own connection, outside the pool. It ends when the consumer stops
    /// iterating (the connection is closed then) or when the gallery is closed.
    ///
    /// Without notifications (a proxy that drops them, say), poll ``version()`` instead: it is one
    /// indexed single-row read.
    public func changes() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream.makeStream(of: Int64.self, bufferingPolicy: .bufferingNewest(256))
        let configuration = self.configuration
        let logger = self.logger
        let key = UUID()
        let task = Task {
            await PostgresGallery.listen(configuration: configuration, logger: logger, continuation: continuation)
            continuation.finish()
        }
        continuation.onTermination = { [listeners] _ in
            task.cancel()
            listeners.remove(key)
        }
        if (try? checkOpen()) == nil {
            task.cancel()
        } else {
            listeners.add(key, task)
        }
        return stream
    }

    /// Listens until cancelled, reconnecting after failures.
    private static func listen(configuration: PostgresGalleryConfiguration, logger: Logger,
                               continuation: AsyncStream<Int64>.Continuation) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let connection = try await configuration.connect(logger: logger)
                do {
                    try await connection.listen(on: configuration.channel) { notifications in
                        let current = try await connection.one("SELECT change_counter FROM meta WHERE id = 1",
                                                               Int64.self, logger: logger) ?? 0
                        continuation.yield(current)
                        failures = 0
                        for try await notification in notifications {
                            if let version = Int64(notification.payload) { continuation.yield(version) }
                        }
                    }
                } catch {
                    if !Task.isCancelled {
                        logger.warning("gallery change listener failed: \(PostgresErrors.map(error, configuration: configuration))")
                    }
                }
                try? await connection.close()
            } catch {
                logger.warning("gallery change listener cannot connect: \(error)")
            }
            if Task.isCancelled { break }
            failures += 1
            let delay = min(5.0, 0.1 * pow(2.0, Double(min(failures, 6))))
            try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
        }
    }
}

/// The running ``PostgresGallery/changes()`` listeners, so that closing the gallery stops them.
final class ListenerRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [UUID: Task<Void, Never>] = [:]

    func add(_ key: UUID, _ task: Task<Void, Never>) {
        lock.withLock { tasks[key] = task }
    }

    func remove(_ key: UUID) {
        lock.withLock { tasks[key] = nil }
    }

    func cancelAll() {
        for task in lock.withLock({ Array(tasks.values) }) { task.cancel() }
    }

    /// Waits until every listener has stopped.
    func waitAll() async {
        for task in lock.withLock({ Array(tasks.values) }) { await task.value }
    }
}
