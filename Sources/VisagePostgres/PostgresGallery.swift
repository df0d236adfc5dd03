import Foundation
import Logging
import PostgresNIO
import VisageStore

/// A gallery of people, face samples and embeddings in a PostgreSQL database (PostgresNIO), with
/// the same schema, rules and errors as the SQLite ``VisageStore/Gallery``.
///
/// Several processes (for example several `visage serve` instances) can share one database:
/// every mutation is one transaction that first bumps the change counter (which also queues
/// concurrent writers on its row lock) and sends the new version with `NOTIFY` on
/// ``PostgresGalleryConfiguration/channel`` before committing. ``changes()`` delivers those
/// versions to an in-memory index in another process, typically within milliseconds; polling
/// ``version()`` works too.
///
/// Lifecycle: ``open(url:model:logger:)`` checks the server, migrates the schema and binds the
/// gallery to its model over one direct connection, then starts a connection pool in a
/// background task. Call ``close()`` when done; a gallery that is dropped without it stops its
/// pool and listeners all the same, just without waiting for them.
///
/// Errors: the gallery's rules throw ``VisageStore/GalleryError`` (the same cases as the SQLite
/// gallery); connection problems throw ``PostgresGalleryError``.
public final class PostgresGallery: GalleryStore, @unchecked Sendable {
    /// The model the gallery is bound to.
    public let model: GalleryModel
    /// Where the gallery lives.
    public let configuration: PostgresGalleryConfiguration
    let client: PostgresClient
    let logger: Logger
    private let runTask: Task<Void, Never>
    let listeners = ListenerRegistry()
    private let state = NSLock()
    private var isClosed = false

    private init(model: GalleryModel, configuration: PostgresGalleryConfiguration, logger: Logger) {
        self.model = model
        self.configuration = configuration
        self.logger = logger
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        self.client = client
        self.runTask = Task { await client.run() }
    }

    deinit {
        runTask.cancel()
        listeners.cancelAll()
    }

    /// Opens (or creates) the gallery in the database at `url` and checks it is bound to `model`.
    /// - Parameters:
    ///   - url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]`; see
    ///     ``PostgresGalleryConfiguration``.
    ///   - model: The embedding model the caller will use; a new gallery is bound to it.
    ///   - logger: Where PostgresNIO logs background events (connection failures, ...).
    /// - Throws: ``PostgresGalleryError`` (`invalidURL`, `unreachable`, `authenticationFailed`,
    ///   `databaseNotFound`, `timeout`, `server`) and ``VisageStore/GalleryError`` (`modelMismatch`,
    ///   `notAGallery`, `newerSchema`, `cannotOpen` for an invalid model).
    public static func open(url: String, model: GalleryModel,
                            logger: Logger = Logger(label: "visage.postgres")) async throws -> PostgresGallery {
        try await open(configuration: PostgresGalleryConfiguration(url: url), model: model, logger: logger)
    }

    /// Opens (or creates) the gallery described by `configuration`; see ``open(url:model:logger:)``.
    public static func open(configuration: PostgresGalleryConfiguration, model: GalleryModel,
                            logger: Logger = Logger(label: "visage.postgres")) async throws -> PostgresGallery {
        guard model.dimension > 0, !model.id.isEmpty, model.preprocessingVersion >= 0 else {
            throw GalleryError.cannotOpen(path: configuration.redactedURL, reason: "invalid model \(model)")
        }
        let endpoint = configuration.redactedURL
        try await PostgresErrors.withTimeout(configuration.connectTimeout + configuration.operationTimeout,
                                             endpoint: endpoint) {
            let connection = try await configuration.connect(logger: logger)
            do {
                try await PostgresSchema.prepare(connection, configuration: configuration, model: model, logger: logger)
            } catch {
                try? await connection.close()
                throw PostgresErrors.map(error, configuration: configuration)
            }
            try? await connection.close()
        }
        return PostgresGallery(model: model, configuration: configuration, logger: logger)
    }

    /// The model an existing gallery is bound to, or `nil` when the database (or schema) holds no
    /// gallery yet; nothing is written.
    /// - Throws: ``PostgresGalleryError`` for connection problems, ``VisageStore/GalleryError``
    ///   (`notAGallery`, `newerSchema`).
    public static func boundModel(configuration: PostgresGalleryConfiguration,
                                  logger: Logger = Logger(label: "visage.postgres")) async throws -> GalleryModel? {
        try await PostgresErrors.withTimeout(configuration.connectTimeout + configuration.operationTimeout,
                                             endpoint: configuration.redactedURL) {
            let connection = try await configuration.connect(logger: logger)
            do {
                let model = try await PostgresSchema.boundModel(connection, configuration: configuration, logger: logger)
                try? await connection.close()
                return model
            } catch {
                try? await connection.close()
                throw PostgresErrors.map(error, configuration: configuration)
            }
        }
    }

    /// Stops the connection pool and every ``changes()`` stream, and waits for them; further
    /// calls throw ``PostgresGalleryError/closed(endpoint:)``. Calling it again does nothing.
    public func close() async {
        let wasClosed = state.withLock { () -> Bool in
            defer { isClosed = true }
            return isClosed
        }
        if wasClosed { return }
        listeners.cancelAll()
        runTask.cancel()
        await runTask.value
        await listeners.waitAll()
    }

    /// Throws when ``close()`` was called.
    func checkOpen() throws {
        if state.withLock({ isClosed }) { throw PostgresGalleryError.closed(endpoint: configuration.redactedURL) }
    }

    /// The change counter: it grows with every committed mutation, from any process.
    /// - Throws: ``PostgresGalleryError`` when the server cannot be reached.
    public func version() async throws -> Int64 {
        try await read { connection in
            try await connection.one("SELECT change_counter FROM meta WHERE id = 1", Int64.self, logger: self.logger) ?? 0
        }
    }
}
