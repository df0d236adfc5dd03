import Foundation
import Hummingbird
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Visage
import VisageImage
import VisagePostgres
import VisageRecognition
import VisageServer
import VisageStore
import VisageTestSupport
import XCTest

/// Shared pieces of the server tests: the real pipeline (loaded once), test photos, temporary
/// galleries and a helper that runs a server's router in-process.
enum ServerFixture {
    /// The dlib pipeline with upsample 0 (LFW faces are large), loaded once for all tests.
    static func pipeline() throws -> FacePipeline {
        try cache.pipeline()
    }

    private static let cache = PipelineCache()

    private final class PipelineCache: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: FacePipeline?

        func pipeline() throws -> FacePipeline {
            lock.lock()
            defer { lock.unlock() }
            if let loaded { return loaded }
            for file in ["mmod_human_face_detector.dat", "shape_predictor_5_face_landmarks.dat",
                         "dlib_face_recognition_resnet_model_v1.dat"] {
                _ = try TestData.model(file)
            }
            let pipeline = try FacePipeline(store: ModelStore(directory: TestData.modelDirectory),
                                            options: PipelineOptions(upsample: 0))
            loaded = pipeline
            return pipeline
        }
    }

    /// An LFW photo's bytes, e.g. `("Tony_Blair", 1)`.
    static func lfw(_ name: String, _ number: Int) throws -> [UInt8] {
        let file = String(format: "%@_%04d.jpg", name, number)
        return [UInt8](try Data(contentsOf: TestData.shared("lfw-dev/lfw-deepfunneled/\(name)/\(file)")))
    }

    /// The path of an LFW photo.
    static func lfwPath(_ name: String, _ number: Int) throws -> String {
        try TestData.shared(String(format: "lfw-dev/lfw-deepfunneled/%@/%@_%04d.jpg", name, name, number)).path
    }

    /// A plain grey PNG (no face in it).
    static func greyPNG(width: Int, height: Int) throws -> [UInt8] {
        try Image(width: width, height: height, format: .gray, pixels: [UInt8](repeating: 128, count: width * height)).pngData()
    }

    /// A fresh SQLite gallery in a temporary directory.
    static func sqliteGallery(for pipeline: FacePipeline) throws -> Gallery {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("visage-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try Gallery.open(path: dir.appendingPathComponent("g.sqlite").path,
                                model: GalleryModel.encoder(pipeline.encoder.descriptor), create: true)
    }

    /// A fresh PostgreSQL gallery (a new schema) on the tests' throw-away server.
    static func postgresGallery(for pipeline: FacePipeline) async throws -> PostgresGallery {
        try await PostgresGallery.open(url: TestPostgres.freshURL(prefix: "server"),
                                       model: GalleryModel.encoder(pipeline.encoder.descriptor))
    }

    /// A server over a fresh SQLite gallery.
    static func server(_ configuration: ServerConfiguration = ServerConfiguration(),
                       gallery: (any GalleryStore)? = nil) async throws -> VisageServer {
        let pipeline = try pipeline()
        return try await VisageServer(configuration: configuration, pipeline: pipeline,
                                gallery: gallery ?? sqliteGallery(for: pipeline))
    }

    /// Runs `body` against the server listening on a free loopback port in this process.
    static func withRouter(_ server: VisageServer,
                           _ body: @escaping @Sendable (HTTPTestClient) async throws -> Void) async throws {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication(portOverride: 0) { port in portSink.yield(port) }
        let running = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ServerTestFailure("the server did not start") }
        try await body(HTTPTestClient(baseURL: "http://127.0.0.1:\(port)"))
    }
}

/// A small HTTP client over URLSession for the tests.
struct HTTPTestClient: Sendable {
    /// `http://host:port`.
    let baseURL: String

    /// Sends a request and returns the status, the body parsed as JSON (or `nil`) and as text,
    /// and the response's header fields.
    func call(_ method: HTTPRequest.Method, _ path: String, body: [UInt8]? = nil, contentType: String? = nil,
              headers: HTTPFields = [:]) async throws -> (status: Int, json: [String: Any]?, text: String, headers: [String: String]) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method.rawValue
        request.httpBody = body.map { Data($0) }
        request.timeoutInterval = 300
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for field in headers { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let text = String(decoding: data, as: UTF8.self)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http?.allHeaderFields ?? [:] {
            if let key = key as? String, let value = value as? String { fields[key] = value }
        }
        return (http?.statusCode ?? 0, json, text, fields)
    }

    /// Sends JSON.
    func callJSON(_ method: HTTPRequest.Method, _ path: String, _ object: [String: Any],
                  headers: HTTPFields = [:]) async throws -> (status: Int, json: [String: Any]?, text: String, headers: [String: String]) {
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await call(method, path, body: [UInt8](data), contentType: "application/json", headers: headers)
    }
}

/// A multipart/form-data body.
struct MultipartBody {
    let boundary = "visage-test-\(UInt32.random(in: 0...UInt32.max))"
    private(set) var bytes: [UInt8] = []

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func add(file name: String, _ data: [UInt8], type: String = "image/jpeg") {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(name).jpg\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        bytes += data + Array("\r\n".utf8)
    }

    mutating func add(field name: String, _ value: String) {
        bytes += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }

    func finished() -> [UInt8] { bytes + Array("--\(boundary)--\r\n".utf8) }
}

/// The `error.code` of an error response.
func errorCode(_ json: [String: Any]?) -> String? {
    (json?["error"] as? [String: Any])?["code"] as? String
}

/// A precondition of a server test that does not hold (a missing browser, a server that did not
/// start), with what to do about it.
struct ServerTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
