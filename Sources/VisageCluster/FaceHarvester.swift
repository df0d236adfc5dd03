import Foundation
import Visage
import VisageFormats
import VisageImage
import VisageStore

/// A face found in one of the photos, with everything a report, a contact sheet and an
/// enrolment need.
public struct HarvestedFace: Sendable, Equatable {
    /// The photo's path as listed.
    public var image: String
    /// The photo's SHA-256.
    public var sha256: String
    /// The face's position among the photo's faces (0 = largest).
    public var index: Int
    /// The face as cached: box, score, embedding, thumbnail.
    public var face: CachedFace

    /// Creates a harvested face.
    public init(image: String, sha256: String, index: Int, face: CachedFace) {
        self.image = image
        self.sha256 = sha256
        self.index = index
        self.face = face
    }
}

/// A photo that could not be processed.
public struct ImageFailure: Sendable, Equatable, Codable {
    /// The photo's path.
    public var image: String
    /// Why.
    public var error: String

    /// Creates a failure record.
    public init(image: String, error: String) {
        self.image = image
        self.error = error
    }
}

/// Every face of a set of photos.
public struct Harvest: Sendable {
    /// The faces, photo by photo, largest first within a photo.
    public var faces: [HarvestedFace] = []
    /// Photos processed (with or without faces).
    public var images = 0
    /// Photos with no face.
    public var imagesWithoutFaces = 0
    /// Photos whose faces came from the cache.
    public var cachedImages = 0
    /// Photos that could not be read or decoded.
    public var failures: [ImageFailure] = []

    /// An empty harvest.
    public init() {}
}

/// Detects and embeds the faces of many photos through a ``FaceCache``.
///
/// The pipeline's models are loaded only when a photo is not in the cache, so a run over
/// cached photos starts at once.
public final class FaceHarvester {
    /// The pipeline's cache key.
    public let signature: String
    private let load: () throws -> FacePipeline
    private var loaded: FacePipeline?

    /// A harvester over a pipeline built with `options`, loaded by `load` when first needed.
    public init(options: PipelineOptions, load: @escaping () throws -> FacePipeline) {
        self.signature = Self.signature(of: options)
        self.load = load
    }

    /// A harvester over an already loaded pipeline built with `options`.
    public convenience init(pipeline: FacePipeline, options: PipelineOptions) {
        self.init(options: options) { pipeline }
        loaded = pipeline
    }

    /// The pipeline, loaded on first use.
    /// - Throws: the loader's errors (missing or corrupt model files).
    public func pipeline() throws -> FacePipeline {
        if let loaded { return loaded }
        let pipeline = try load()
        loaded = pipeline
        return pipeline
    }

    /// The cache key of a pipeline configuration, e.g. `dlib-resnet/mmod/up1/lm5/j0`.
    public static func signature(of options: PipelineOptions) -> String {
        "\(options.encoder.rawValue)/\(options.detector.rawValue)/up\(options.upsample)\(options.fallbackUpsample.map { "+\($0)" } ?? "")/lm\(options.landmarks.rawValue)/j\(options.jitters)"
    }

    /// Processes every photo: cached ones from the cache, others through the pipeline (then
    /// cached). Unreadable photos are listed as failures, not thrown.
    /// - Parameters:
    ///   - images: photo paths.
    ///   - cache: the cache, or `nil` to compute everything.
    ///   - progress: called after each photo with the number done.
    /// - Throws: ``ClusterError/io(path:reason:)`` when the cache cannot be written.
    public func harvest(_ images: [String], cache: FaceCache?, progress: (Int) -> Void = { _ in }) throws -> Harvest {
        var harvest = Harvest()
        for (done, path) in images.enumerated() {
            defer { progress(done + 1) }
            let entry: CachedImage
            do {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                guard size <= DecodeLimits.default.maxFileBytes else {
                    throw ImageError.fileTooLarge(bytes: size, limit: DecodeLimits.default.maxFileBytes)
                }
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                let sha = bytes.withUnsafeBytes { SHA256.hexString($0) }
                if let hit = cache?.lookup(sha256: sha) {
                    entry = hit
                    harvest.cachedImages += 1
                } else {
                    let image = try Image.decode(data: bytes)
                    entry = try faces(in: image, sha256: sha, pipeline: try loadPipeline())
                    try cache?.store(entry)
                }
            } catch let error as ClusterError {
                throw error
            } catch let error as PipelineLoadFailure {
                throw error.underlying
            } catch {
                harvest.failures.append(ImageFailure(image: path, error: "\(error)"))
                continue
            }
            harvest.images += 1
            if entry.faces.isEmpty { harvest.imagesWithoutFaces += 1 }
            for (i, face) in entry.faces.enumerated() {
                harvest.faces.append(HarvestedFace(image: path, sha256: entry.sha256, index: i, face: face))
            }
        }
        return harvest
    }

    /// Loads the pipeline, marking its failure as fatal for ``harvest(_:cache:progress:)``.
    private func loadPipeline() throws -> FacePipeline {
        do { return try pipeline() } catch { throw PipelineLoadFailure(underlying: error) }
    }

    /// Runs the pipeline on one decoded photo.
    /// - Throws: the pipeline's and thumbnail errors.
    public func faces(in image: Image, sha256: String, pipeline: FacePipeline) throws -> CachedImage {
        let found = try pipeline.faces(in: image)
        let faces = try found.map { face -> CachedFace in
            let d = face.detection
            let box = FaceBox(left: d.left, top: d.top, right: d.right, bottom: d.bottom)
            return CachedFace(box: box, score: d.score, embedding: face.embedding,
                              thumbnail: try FaceThumbnail.jpeg(of: image, box: box))
        }
        return CachedImage(sha256: sha256, pipeline: signature, width: image.width, height: image.height, faces: faces)
    }
}

/// A model that failed to load: fatal for a run, unlike a bad photo.
private struct PipelineLoadFailure: Error { var underlying: any Error }
