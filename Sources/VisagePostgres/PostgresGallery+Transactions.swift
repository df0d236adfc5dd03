import Foundation
import Logging
import PostgresNIO
import VisageStore

extension PostgresGallery {
    /// Runs `body` in one transaction that first bumps the change counter and, before
    /// committing, announces the new version on the gallery's channel.
    ///
    /// Updating the counter's row first makes concurrent writers (from any process) queue on its
    /// row lock, so checks such as "is this name free?" inside `body` see every earlier commit and
    /// versions are announced in commit order. A `GalleryError` thrown by `body` rolls everything back.
    @discardableResult
    func write<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try checkOpen()
        let logger = self.logger
        let channel = configuration.channel
        return try await perform { connection in
            try await connection.run("BEGIN", logger: logger)
            do {
                let version = try await connection.one(
                    "UPDATE meta SET change_counter = change_counter + 1 WHERE id = 1 RETURNING change_counter",
                    Int64.self, logger: logger) ?? 0
                let result = try await body(connection)
                try await connection.run("SELECT pg_notify(\(channel), \(String(version)))", logger: logger)
                try await connection.run("COMMIT", logger: logger)
                return result
            } catch {
                await PostgresGallery.rollback(connection, logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` in a read-only `REPEATABLE READ` transaction: one consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try checkOpen()
        let logger = self.logger
        return try await perform { connection in
            try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.run("COMMIT", logger: logger)
                return result
            } catch {
                await PostgresGallery.rollback(connection, logger: logger)
                throw error
            }
        }
    }

    /// Leases a pooled connection under the operation timeout and maps every failure.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let client = self.client
        do {
            return try await PostgresErrors.withTimeout(configuration.operationTimeout, endpoint: configuration.redactedURL) {
                try await client.withConnection { connection in try await body(connection) }
            }
        } catch {
            throw PostgresErrors.map(error, configuration: configuration)
        }
    }

    /// Rolls back; when even that fails the connection is unusable, so it is closed and the
    /// pool replaces it.
    private static func rollback(_ connection: PostgresConnection, logger: Logger) async {
        do {
            try await connection.run("ROLLBACK", logger: logger)
        } catch {
            try? await connection.close()
        }
    }
}
