import Foundation

/// The throw-away PostgreSQL server of the tests, started by `scripts/test.sh`
/// (`scripts/postgres-test-server.sh start`), which exports its URL.
///
/// A test that needs it calls ``url()`` with `try`, so a missing server is a clear failure,
/// never a skip.
public enum TestPostgres {
    /// The server's TCP URL from `VISAGE_TEST_POSTGRES_URL`.
    /// - Throws: ``TestData/Missing`` saying how to start the server when the variable is unset.
    public static func url() throws -> String {
        try variable("VISAGE_TEST_POSTGRES_URL", command: "start")
    }

    /// The server's Unix-socket URL from `VISAGE_TEST_POSTGRES_SOCKET_URL`.
    /// - Throws: ``TestData/Missing`` when the variable is unset.
    public static func socketURL() throws -> String {
        try variable("VISAGE_TEST_POSTGRES_SOCKET_URL", command: "socket-url")
    }

    /// ``url()`` with a new, unique `schema` parameter: a fresh, empty gallery location.
    public static func freshURL(prefix: String = "t") throws -> String {
        let base = try url()
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return base + (base.contains("?") ? "&" : "?") + "schema=\(prefix)_\(suffix)"
    }

    private static func variable(_ name: String, command: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestData.Missing(description: """
                \(name) is not set: the PostgreSQL tests need the throw-away server. Run the suite with \
                `bash scripts/test.sh`, or start it yourself: \
                `export \(name)=$(bash scripts/postgres-test-server.sh \(command))`
                """)
        }
        return value
    }
}
