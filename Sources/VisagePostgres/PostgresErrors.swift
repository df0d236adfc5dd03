import Foundation
import PostgresNIO
import VisageStore

/// Turns PostgresNIO and NIO failures into ``PostgresGalleryError`` and runs operations under a
/// time limit.
enum PostgresErrors {
    /// The SQLSTATE of a server error, if `error` is one.
    static func sqlState(_ error: Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Maps any failure to ``GalleryError`` (kept as is) or ``PostgresGalleryError``.
    static func map(_ error: Error, configuration: PostgresGalleryConfiguration) -> Error {
        let endpoint = configuration.redactedURL
        if error is GalleryError || error is PostgresGalleryError { return error }
        if error is CancellationError { return PostgresGalleryError.closed(endpoint: endpoint) }
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let state = info[.sqlState] {
                let message = info[.message] ?? "no message"
                switch state {
                case "28P01", "28000":
                    return PostgresGalleryError.authenticationFailed(endpoint: endpoint, user: configuration.username, message: message)
                case "3D000":
                    return PostgresGalleryError.databaseNotFound(endpoint: endpoint, database: configuration.database)
                case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004":
                    return PostgresGalleryError.unreachable(endpoint: endpoint, reason: message)
                default:
                    return PostgresGalleryError.server(endpoint: endpoint, sqlState: state, message: message)
                }
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown, .sslUnsupported,
                 .failedToAddSSLHandler:
                let reason = error.underlying.map { describe($0) } ?? "\(error.code)"
                return PostgresGalleryError.unreachable(endpoint: endpoint, reason: reason)
            case .clientClosedConnection, .poolClosed, .queryCancelled:
                return PostgresGalleryError.closed(endpoint: endpoint)
            default:
                return PostgresGalleryError.server(endpoint: endpoint, sqlState: "client", message: "\(error.code)")
            }
        }
        let text = String(describing: error)
        if String(describing: type(of: error)) == "ConnectionPoolError" {
            if text.contains("CircuitBreaker") {
                return PostgresGalleryError.unreachable(endpoint: endpoint, reason: "no connection could be made for a while")
            }
            return PostgresGalleryError.closed(endpoint: endpoint)
        }
        if error is ChannelError || error is IOError || text.contains("NIOConnectionError") || text.contains("connect") {
            return PostgresGalleryError.unreachable(endpoint: endpoint, reason: describe(error))
        }
        return PostgresGalleryError.server(endpoint: endpoint, sqlState: "client", message: text)
    }

    /// A short human description of a low-level error (refused, timed out, no such host, ...).
    static func describe(_ error: Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused"
            case ENOENT: return "no socket file"
            case ETIMEDOUT: return "connection timed out"
            default: return "\(io)"
            }
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "connection timed out" }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        return text
    }

    /// Runs `body`, throwing ``PostgresGalleryError/timeout(endpoint:seconds:)`` when it takes
    /// longer than `seconds` (the body is then cancelled).
    static func withTimeout<T: Sendable>(_ seconds: Double, endpoint: String,
                                         _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw PostgresGalleryError.timeout(endpoint: endpoint, seconds: seconds)
            }
            return value
        }
    }
}
