import Foundation

/// How a ``VisageServer`` listens and what it accepts.
public struct ServerConfiguration: Sendable {
    /// The address to bind; must be a loopback address unless ``apiKeys`` is set.
    public var host: String
    /// The TCP port (0 lets the system choose).
    public var port: Int
    /// The largest request body accepted, in bytes (10 MB by default); larger bodies get 413.
    public var maxBodyBytes: Int
    /// The largest image accepted, in pixels (width × height); larger images get 422.
    public var maxPixels: Int
    /// How long one request may take before it is answered with `timeout` (503), in seconds.
    public var requestTimeout: Double
    /// Inference threads (detection and embedding run there, never on the event loop).
    public var workers: Int
    /// Inference jobs that may wait for a thread before requests get `overloaded` (503).
    public var maxQueuedJobs: Int
    /// The accepted API keys; `nil` means no authentication (loopback only).
    public var apiKeys: APIKeySet?
    /// Whether enrolment stores the aligned face crop (needed to re-embed with a new model later).
    public var keepCrops: Bool

    /// Creates a configuration.
    /// - Parameters:
    ///   - host: the bind address (127.0.0.1 by default).
    ///   - port: the port (8080 by default).
    ///   - maxBodyBytes: the body limit (10,000,000 bytes by default).
    ///   - maxPixels: the pixel limit (40 megapixels by default).
    ///   - requestTimeout: the per-request timeout (30 s by default).
    ///   - workers: inference threads (the number of cores by default).
    ///   - maxQueuedJobs: waiting inference jobs before 503 (64 per worker by default).
    ///   - apiKeys: accepted keys, or `nil` for none.
    ///   - keepCrops: store aligned crops at enrolment (off by default).
    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 10_000_000,
                maxPixels: Int = 40_000_000, requestTimeout: Double = 30,
                workers: Int = ProcessInfo.processInfo.activeProcessorCount, maxQueuedJobs: Int? = nil,
                apiKeys: APIKeySet? = nil, keepCrops: Bool = false) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxPixels = maxPixels
        self.requestTimeout = requestTimeout
        self.workers = max(1, workers)
        self.maxQueuedJobs = maxQueuedJobs ?? 64 * max(1, workers)
        self.apiKeys = apiKeys
        self.keepCrops = keepCrops
    }

    /// Whether `host` names the loopback interface.
    public var bindsLoopbackOnly: Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
    }

    /// Checks the configuration: positive limits, and no public bind without API keys.
    /// - Throws: ``ServerSetupError``.
    public func validate() throws {
        guard (0...65535).contains(port) else { throw ServerSetupError.invalidSetting("port \(port) is not 0–65535") }
        guard maxBodyBytes > 0, maxPixels > 0, requestTimeout > 0, maxQueuedJobs > 0 else {
            throw ServerSetupError.invalidSetting("limits and timeout must be positive")
        }
        if apiKeys == nil && !bindsLoopbackOnly { throw ServerSetupError.publicBindWithoutKeys(host: host) }
    }
}

/// Why a server cannot start.
public enum ServerSetupError: Error, Equatable, CustomStringConvertible {
    /// A binding to a non-loopback address was asked for without API keys.
    case publicBindWithoutKeys(host: String)
    /// A setting is out of range.
    case invalidSetting(String)
    /// The API key file cannot be read or holds no key.
    case invalidKeyFile(path: String, reason: String)

    /// A message that says what happened and what to do about it.
    public var description: String {
        switch self {
        case .publicBindWithoutKeys(let host):
            return "Refusing to listen on \(host) without API keys: pass --api-key-file FILE, or listen on 127.0.0.1."
        case .invalidSetting(let what): return "Invalid server setting: \(what)."
        case .invalidKeyFile(let path, let reason):
            return "Cannot use the API key file \(path): \(reason). Each line is `sha256:<64 hex digits>` (see `visage serve --hash-key`)."
        }
    }
}
