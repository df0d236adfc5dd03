import Foundation

/// Where a PostgreSQL gallery lives and how to connect to it, usually read from a URL.
///
/// Accepted URLs (libpq's form, a subset of its parameters):
///
///     postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=disable|prefer|require&connect_timeout=SECONDS]
///     postgres://USER@/DATABASE?host=/run/postgresql[&port=5432]        (Unix socket in that directory)
///
/// `schema` keeps the gallery's tables in their own PostgreSQL schema (created when missing), so
/// that several galleries, or a gallery and other applications, share one database; without it
/// the tables go to the connection's default schema (normally `public`). The user name and
/// password are percent-decoded.
public struct PostgresGalleryConfiguration: Sendable, Equatable {
    /// How the connection reaches the server.
    public enum Endpoint: Sendable, Equatable {
        /// TCP to a host name or IP address and a port.
        case tcp(host: String, port: Int)
        /// A Unix-domain socket file (`DIR/.s.PGSQL.PORT`).
        case unixSocket(path: String)
    }

    /// Whether the connection uses TLS.
    public enum TLSMode: String, Sendable, Equatable {
        /// Never (the default, as for a server on loopback or a socket).
        case disable
        /// When the server offers it.
        case prefer
        /// Always; fail when the server does not offer it.
        case require
    }

    /// How the connection reaches the server.
    public var endpoint: Endpoint
    /// The user name.
    public var username: String
    /// The password, if any.
    public var password: String?
    /// The database name.
    public var database: String
    /// The schema holding the gallery's tables, or `nil` for the connection's default schema.
    public var schema: String?
    /// TLS use.
    public var tls: TLSMode
    /// How long to wait for a connection to open, in seconds.
    public var connectTimeout: Double
    /// How long one gallery operation may take (waiting for a connection included), in seconds.
    public var operationTimeout: Double
    /// The most connections the gallery's pool opens at once.
    public var maximumConnections: Int

    /// Creates a configuration from its parts.
    public init(endpoint: Endpoint, username: String, password: String? = nil, database: String,
                schema: String? = nil, tls: TLSMode = .disable, connectTimeout: Double = 5,
                operationTimeout: Double = 30, maximumConnections: Int = 8) {
        self.endpoint = endpoint; self.username = username; self.password = password
        self.database = database; self.schema = schema; self.tls = tls
        self.connectTimeout = connectTimeout; self.operationTimeout = operationTimeout
        self.maximumConnections = maximumConnections
    }

    /// Parses a `postgres://` or `postgresql://` URL (see the type's documentation).
    /// - Throws: ``PostgresGalleryError/invalidURL(reason:)`` naming the part that is wrong.
    public init(url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased() else {
            throw PostgresGalleryError.invalidURL(reason: "\"\(Self.redact(url))\" is not a URL")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresGalleryError.invalidURL(reason: "the scheme must be postgres:// or postgresql://, not \(scheme)://")
        }
        var query: [String: String] = [:]
        for item in parts.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set<String> = ["host", "port", "schema", "sslmode", "connect_timeout", "user", "password", "dbname"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresGalleryError.invalidURL(reason: "unknown parameter \"\(unknown)\"")
        }
        guard let user = query["user"] ?? parts.user, !user.isEmpty else {
            throw PostgresGalleryError.invalidURL(reason: "no user name (postgres://USER@HOST/DATABASE)")
        }
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let database = query["dbname"] ?? (path.isEmpty ? user : path)
        guard !database.contains("/") else {
            throw PostgresGalleryError.invalidURL(reason: "the database name \"\(database)\" contains a slash")
        }
        var port = parts.port ?? 5432
        if let text = query["port"] {
            guard let value = Int(text) else { throw PostgresGalleryError.invalidURL(reason: "port \"\(text)\" is not a number") }
            port = value
        }
        guard (1...65535).contains(port) else { throw PostgresGalleryError.invalidURL(reason: "port \(port) is out of range") }
        let host = query["host"] ?? parts.host ?? ""
        let endpoint: Endpoint
        if host.hasPrefix("/") {
            endpoint = .unixSocket(path: host.hasSuffix(".s.PGSQL.\(port)") ? host : "\(host)/.s.PGSQL.\(port)")
        } else {
            endpoint = .tcp(host: host.isEmpty ? "localhost" : host, port: port)
        }
        var tls = TLSMode.disable
        if let mode = query["sslmode"] {
            guard let value = TLSMode(rawValue: mode) else {
                throw PostgresGalleryError.invalidURL(reason: "sslmode must be disable, prefer or require, not \"\(mode)\"")
            }
            tls = value
        }
        if let schema = query["schema"] { try Self.validate(schema: schema) }
        self.init(endpoint: endpoint, username: user, password: query["password"] ?? parts.password,
                  database: database, schema: query["schema"], tls: tls)
        if let text = query["connect_timeout"] {
            guard let seconds = Double(text), seconds > 0, seconds <= 600 else {
                throw PostgresGalleryError.invalidURL(reason: "connect_timeout must be 1–600 seconds, not \"\(text)\"")
            }
            connectTimeout = seconds
        }
    }

    /// The URL without its password, for messages and logs.
    public var redactedURL: String {
        let target: String
        switch endpoint {
        case .tcp(let host, let port): target = "\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        case .unixSocket(let path): target = "/\(database)?host=\(path)"
        }
        return "postgres://\(username)@\(target)" + (schema.map { (target.contains("?") ? "&" : "?") + "schema=\($0)" } ?? "")
    }

    /// The LISTEN/NOTIFY channel on which every committed change announces the new version:
    /// `visage_gallery`, or `visage_gallery_SCHEMA` for a gallery in its own schema.
    public var channel: String {
        schema.map { "visage_gallery_\($0)" } ?? "visage_gallery"
    }

    /// Schema names are plain lower-case identifiers, so that they never need quoting.
    static func validate(schema: String) throws {
        let bytes = Array(schema.utf8)
        guard let first = bytes.first, (97...122).contains(first) || first == 95, bytes.count <= 40,
              bytes.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }),
              !schema.hasPrefix("pg_") else {
            throw PostgresGalleryError.invalidURL(
                reason: "schema \"\(schema)\" must be 1–40 lower-case letters, digits or _, start with a letter or _, and not start with pg_")
        }
    }

    /// Drops the password from a URL string that could not be parsed.
    private static func redact(_ url: String) -> String {
        guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        let userInfo = url[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
