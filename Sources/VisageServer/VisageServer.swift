import Foundation
import Hummingbird
import Logging
import NIOCore
import Visage
import VisageImage
import VisageRecognition
import VisageStore

/// The Visage HTTP server: the REST API of ``RouteSpec/all`` and the web page at `/`.
///
/// One loaded ``FacePipeline`` is shared by every request; decoding and inference run on an
/// ``InferencePool`` sized to the cores. The gallery is any ``GalleryStore`` (SQLite or
/// PostgreSQL); identification keeps an in-memory index that is checked against the gallery's
/// version before every search, so several servers on one database agree at once.
public final class VisageServer: Sendable {
    /// Limits, keys and address.
    public let configuration: ServerConfiguration
    /// The gallery.
    public let gallery: any GalleryStore
    /// Where inference runs.
    public let pool: InferencePool
    let analysis: FaceAnalysis
    /// Enrolment gating, identification and verification over the gallery.
    public let recognizer: Recognizer
    let logger: Logger

    /// Creates a server (nothing listens until ``run()``).
    /// - Parameters:
    ///   - configuration: address, limits and keys (validated here).
    ///   - pipeline: the loaded face pipeline.
    ///   - gallery: the gallery, bound to the pipeline's encoder.
    ///   - logger: where the server logs.
    /// - Throws: ``ServerSetupError`` for an invalid configuration; `RecognitionError` when the
    ///   pipeline does not produce the gallery's model or its calibration is unreadable.
    public init(configuration: ServerConfiguration, pipeline: FacePipeline, gallery: any GalleryStore,
                logger: Logger = Logger(label: "visage.server")) async throws {
        try configuration.validate()
        self.configuration = configuration
        self.gallery = gallery
        self.logger = logger
        pool = InferencePool(workers: configuration.workers, maxQueued: configuration.maxQueuedJobs)
        let limits = DecodeLimits(maxPixels: configuration.maxPixels, maxFileBytes: configuration.maxBodyBytes)
        analysis = FaceAnalysis(pipeline: pipeline, pool: pool, limits: limits)
        recognizer = try await Recognizer.open(pipeline: pipeline, store: gallery)
    }

    /// The router with every route of ``RouteSpec/all`` and the error/key middleware.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: APIMiddleware(keys: configuration.apiKeys, logger: logger))
        let timeout = configuration.requestTimeout
        for route in RouteSpec.all {
            let operation = route.operation
            router.on(RouterPath(route.path), method: route.method) { [self] request, context in
                try await RequestTimeout.run(seconds: timeout) {
                    try await self.handle(operation, request: request, context: context)
                }
            }
        }
        return router
    }

    /// The Hummingbird application listening on the configured address.
    /// - Parameters:
    ///   - portOverride: a port to use instead of the configured one (0 picks a free port).
    ///   - onServerRunning: called with the bound port once the server listens.
    public func makeApplication(portOverride: Int? = nil,
                                onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        Application(router: makeRouter(),
                    configuration: .init(address: .hostname(configuration.host, port: portOverride ?? configuration.port),
                                         serverName: "visage"),
                    onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Listens until the process is interrupted (SIGINT/SIGTERM), then stops the worker threads.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        do {
            try await makeApplication(onServerRunning: onServerRunning).runService()
        } catch {
            try? await pool.shutdown()
            throw error
        }
        try await pool.shutdown()
    }

    /// Dispatches an operation to its handler.
    func handle(_ operation: RouteSpec.Operation, request: Request, context: BasicRequestContext) async throws -> Response {
        switch operation {
        case .detect: return try await detect(request)
        case .embed: return try await embed(request)
        case .compare: return try await compare(request)
        case .verify: return try await verify(request)
        case .identify: return try await identify(request)
        case .createPerson: return try await createPerson(request)
        case .listPeople: return try await listPeople()
        case .getPerson: return try await getPerson(context)
        case .updatePerson: return try await updatePerson(request, context)
        case .deletePerson: return try await deletePerson(context)
        case .enrolFace: return try await enrolFace(request, context)
        case .deleteFace: return try await deleteFace(context)
        case .health: return try await health()
        case .openAPI:
            return Reply.bytes(OpenAPIDocument.data(requiresKeys: configuration.apiKeys != nil),
                               contentType: "application/json; charset=utf-8")
        case .webPage:
            return Reply.bytes(Data(WebPage.html.utf8), contentType: "text/html; charset=utf-8")
        }
    }

    /// Reads a request's images and fields with the server's body limit.
    func form(_ request: Request, images: Set<String> = ["image"]) async throws -> RequestForm {
        try await RequestForm.read(request, limit: configuration.maxBodyBytes, imageFields: images)
    }

    private func health() async throws -> Response {
        let stats = try await gallery.stats()
        return try Reply.json(API.Health(status: "ok", model: gallery.model.description, people: stats.people,
                                         faces: stats.faces, galleryVersion: stats.version,
                                         workers: pool.workers, load: pool.load))
    }
}
