/// Failures of the connection to a PostgreSQL gallery: a bad URL, an unreachable or refusing
/// server, a timeout, or an unexpected server error.
///
/// The gallery's own rules (unknown person, duplicate name, model mismatch, ...) are reported with
/// ``VisageStore/GalleryError`` exactly as by the SQLite gallery; this type covers what only a
/// network database can do. Every `endpoint` is the URL without its password.
public enum PostgresGalleryError: Error, Equatable, CustomStringConvertible {
    /// The URL cannot be used; `reason` says which part is wrong.
    case invalidURL(reason: String)
    /// No connection could be made (refused, unknown host, socket missing, connection lost).
    case unreachable(endpoint: String, reason: String)
    /// The server refused the user name or password.
    case authenticationFailed(endpoint: String, user: String, message: String)
    /// The server has no database with this name.
    case databaseNotFound(endpoint: String, database: String)
    /// An operation took longer than the configured timeout.
    case timeout(endpoint: String, seconds: Double)
    /// The gallery was closed with ``PostgresGallery/close()``.
    case closed(endpoint: String)
    /// Any other server error, with PostgreSQL's SQLSTATE code and message.
    case server(endpoint: String, sqlState: String, message: String)

    /// A message that says what happened and what to do about it.
    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "Invalid PostgreSQL URL: \(reason). Expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require] or postgres://USER@/DATABASE?host=/socket/dir."
        case .unreachable(let endpoint, let reason):
            return "Cannot reach the PostgreSQL server at \(endpoint): \(reason). Check that the server is running and the host and port are right."
        case .authenticationFailed(let endpoint, let user, let message):
            return "PostgreSQL at \(endpoint) refused user \"\(user)\": \(message). Check the user name and password in the URL."
        case .databaseNotFound(let endpoint, let database):
            return "PostgreSQL at \(endpoint) has no database \"\(database)\". Create it (createdb \(database)) or fix the URL."
        case .timeout(let endpoint, let seconds):
            return "PostgreSQL at \(endpoint) did not answer within \(seconds) s. Check the server's load and the network, then retry."
        case .closed(let endpoint):
            return "The gallery at \(endpoint) was closed; open it again."
        case .server(let endpoint, let sqlState, let message):
            return "PostgreSQL error \(sqlState) on the gallery at \(endpoint): \(message)."
        }
    }
}
