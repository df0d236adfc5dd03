import ArgumentParser
import Foundation
import Logging
import Visage
import VisageModels
import VisagePostgres
import VisageRecognition
import VisageServer
import VisageStore

/// `visage serve`: the HTTP API and web page.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API and the web page (Hummingbird).",
        discussion: """
        Without --api-key-file the server listens on 127.0.0.1 only. The key file holds one \
        `sha256:<hex>` line per key; `visage serve --hash-key KEY` prints the line for a key. Clients send \
        the key as `Authorization: Bearer KEY` or `X-API-Key: KEY`. The API is described at /openapi.json; \
        the web page is at /. When the server listens it prints `listening on http://HOST:PORT`.
        """)

    @Option(name: .long, help: "Address to listen on (a non-loopback address needs --api-key-file).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port (0 picks a free one).")
    var port = 8080

    @Option(name: .long, help: "SQLite gallery file (created when missing).")
    var gallery = Gallery.defaultPath

    @Option(name: .long, help: "PostgreSQL gallery URL (postgres://user:password@host:port/database[?schema=NAME]); replaces --gallery. Several servers may share one.")
    var postgres: String?

    @Option(name: .customLong("api-key-file"), help: "File of hashed API keys required on /v1 routes.")
    var apiKeyFile: String?

    @Option(name: .customLong("hash-key"), help: "Print the key-file line for KEY and exit.")
    var hashKey: String?

    @Option(name: .long, help: "Inference threads (default: the number of cores).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body (413 above).")
    var maxBodyBytes = 10_000_000

    @Option(name: .customLong("max-pixels"), help: "Largest image in pixels (422 above).")
    var maxPixels = 40_000_000

    @Option(name: .long, help: "Per-request timeout in seconds (503 `timeout` above).")
    var timeout = 30.0

    @Flag(name: .customLong("keep-crops"), help: "Store aligned face crops at enrolment (for re-embedding later).")
    var keepCrops = false

    @Option(name: .long, help: ArgumentHelp(UpsampleChoice.help))
    var upsample: UpsampleChoice = .auto

    @Option(name: .long, help: "Encoder for a new gallery (an existing gallery keeps its own model).")
    var model: EncoderID = .dlibResNet

    func run() throws {
        if let hashKey {
            print(APIKeySet.hashLine(for: hashKey))
            return
        }
        var config = ServerConfiguration(host: host, port: port, maxBodyBytes: maxBodyBytes, maxPixels: maxPixels,
                                         requestTimeout: timeout, workers: workers, keepCrops: keepCrops)
        if let apiKeyFile { config.apiKeys = try APIKeySet(contentsOf: apiKeyFile) }
        try config.validate()
        let upsample = upsample, host = config.host, configuration = config
        try runBlocking {
            let store = try await openGallery()
            do {
                guard let descriptor = store.model.descriptor else {
                    throw CLIError("the gallery's model \(store.model.id) is not one this build ships; run `visage gallery reembed --model dlib-resnet`")
                }
                var options = PipelineOptions(encoder: descriptor.id)
                options.setUpsample(upsample)
                let pipeline = try FacePipeline(store: ModelStore(), options: options)
                let server = try await VisageServer(configuration: configuration, pipeline: pipeline, gallery: store,
                                                    logger: Logger(label: "visage.serve"))
                try await server.run { port in
                    print("listening on http://\(host):\(port)")
                    fflush(stdout)
                }
            } catch {
                await (store as? PostgresGallery)?.close()
                throw error
            }
            await (store as? PostgresGallery)?.close()
        }
    }

    /// The gallery: an existing SQLite file or PostgreSQL gallery keeps its model; a new one is
    /// bound to `--model`.
    private func openGallery() async throws -> any GalleryStore {
        if let postgres {
            let configuration = try PostgresGalleryConfiguration(url: postgres)
            let bound = try await PostgresGallery.boundModel(configuration: configuration)
            return try await PostgresGallery.open(configuration: configuration,
                                                  model: bound ?? GalleryModel.encoder(.of(model)))
        }
        if FileManager.default.fileExists(atPath: gallery) {
            return try Gallery.open(path: gallery, model: try Gallery.boundModel(path: gallery))
        }
        return try Gallery.open(path: gallery, model: GalleryModel.encoder(.of(model)), create: true)
    }
}
