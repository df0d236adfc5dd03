import Foundation
import Logging
import PostgresNIO

extension PostgresGalleryConfiguration {
    /// The startup parameters: the schema as `search_path`, so that unqualified table names
    /// resolve to the gallery's schema on every connection.
    private var startupParameters: [(String, String)] {
        var parameters = [("application_name", "visage")]
        if let schema { parameters.append(("search_path", schema)) }
        return parameters
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tls {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    /// The pool's configuration.
    var clientConfiguration: PostgresClient.Configuration {
        var config: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            config = .init(host: host, port: port, username: username, password: password, database: database,
                           tls: clientTLS)
        case .unixSocket(let path):
            config = .init(unixSocketPath: path, username: username, password: password, database: database)
        }
        config.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        config.options.maximumConnections = max(1, maximumConnections)
        config.options.additionalStartupParameters = startupParameters
        return config
    }

    /// The configuration of a single direct connection (schema set-up, listeners).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var config: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            config = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .unixSocket(let path):
            config = .init(unixSocketPath: path, username: username, password: password, database: database)
        }
        config.options.connectTimeout = .milliseconds(Int64(connectTimeout * 1000))
        config.options.additionalStartupParameters = startupParameters
        return config
    }

    /// Opens one direct connection, mapping failures to ``PostgresGalleryError``.
    func connect(logger: Logger) async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration: try connectionConfiguration(),
                                                        id: Int.random(in: 1...Int(Int32.max)), logger: logger)
        } catch {
            throw PostgresErrors.map(error, configuration: self)
        }
    }
}

extension PostgresConnection {
    /// Runs `query` and decodes the first column of the first row, or `nil` when there is no row.
    func one<T: PostgresDecodable>(_ query: PostgresQuery, _ type: T.Type, logger: Logger) async throws -> T? {
        let rows = try await self.query(query, logger: logger).collect()
        return try rows.first?.decode(T.self)
    }

    /// Runs `query` and decodes the first column of every row.
    func column<T: PostgresDecodable>(_ query: PostgresQuery, _ type: T.Type, logger: Logger) async throws -> [T] {
        try await self.query(query, logger: logger).collect().map { try $0.decode(T.self) }
    }

    /// Runs a statement and returns the number of rows it returned (use `RETURNING` to count
    /// changed rows).
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        try await self.query(query, logger: logger).collect().count
    }
}
