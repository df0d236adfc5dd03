import Foundation
import Visage
import VisageImage
import VisageStore

/// Enrol, verify and identify against one gallery: the operations the CLI and the server share.
///
/// A recognizer holds the pipeline, the gallery, an in-memory ``Identifier`` and the
/// ``MatchThreshold``. It is a value that can be shared between tasks; the identifier inside
/// is an actor. Face detection and embedding run in the calling task.
public struct Recognizer: Sendable {
    /// Finds, aligns and embeds faces.
    public let pipeline: FacePipeline
    /// The gallery.
    public let store: any GalleryStore
    /// The in-memory search over the gallery.
    public let identifier: Identifier
    /// The decision rule and calibration.
    public let threshold: MatchThreshold

    /// Creates a recognizer from its parts.
    /// - Throws: ``RecognitionError/modelMismatch(gallery:pipeline:)`` when the pipeline's encoder
    ///   is not the gallery's model.
    public init(pipeline: FacePipeline, store: any GalleryStore, threshold: MatchThreshold,
                strategy: MatchStrategy = .minimumDistance) throws {
        let model = GalleryModel.encoder(pipeline.encoder.descriptor)
        guard model == store.model else { throw RecognitionError.modelMismatch(gallery: store.model, pipeline: model) }
        self.pipeline = pipeline
        self.store = store
        self.threshold = threshold
        identifier = Identifier(store: store, strategy: strategy)
    }

    /// Creates a recognizer with the gallery's threshold rule: the registry's default for the
    /// model (or `threshold` when given) and the stored calibration.
    /// - Throws: as ``init(pipeline:store:threshold:strategy:)`` and ``MatchThreshold/forGallery(_:override:)``.
    public static func open(pipeline: FacePipeline, store: any GalleryStore, threshold: Float? = nil,
                            strategy: MatchStrategy = .minimumDistance) async throws -> Recognizer {
        try Recognizer(pipeline: pipeline, store: store,
                       threshold: try await MatchThreshold.forGallery(store, override: threshold), strategy: strategy)
    }

    /// Decodes image bytes, naming the source in the error.
    /// - Throws: ``RecognitionError/unreadableImage(source:reason:)``.
    public static func decode(_ data: [UInt8], source: String) throws -> Image {
        do {
            return try Image.decode(data: data)
        } catch {
            throw RecognitionError.unreadableImage(source: source, reason: "\(error)")
        }
    }

    /// Identifies every face of every image, ranking all faces of the batch with one matrix product.
    /// - Parameters:
    ///   - images: decoded images.
    ///   - topK: candidates per face (at least 1; 2 are always ranked for the margin).
    /// - Returns: per image, one identification per face, largest face first.
    /// - Throws: pipeline errors, ``RecognitionError/invalidArgument(_:)``, the gallery's errors.
    public func identify(_ images: [Image], topK: Int = 3) async throws -> [[FaceIdentification]] {
        let faces = try images.map { try pipeline.faces(in: $0) }
        return try await identify(faces: faces, topK: topK)
    }

    /// Identifies already-embedded faces (grouped per image), with one matrix product for all.
    /// - Throws: ``RecognitionError/invalidArgument(_:)``, the gallery's errors.
    public func identify(faces: [[Face]], topK: Int = 3) async throws -> [[FaceIdentification]] {
        guard topK >= 1 else { throw RecognitionError.invalidArgument("top-K \(topK) must be at least 1") }
        let ranked = try await identifier.nearestPeople(faces.flatMap { $0.map(\.embedding) }, k: max(topK, 2))
        let limit = threshold.value(people: await identifier.counts.people)
        var next = 0
        return faces.map { imageFaces in
            imageFaces.map { face in
                defer { next += 1 }
                return identification(face, ranked[next], topK: topK, limit: limit)
            }
        }
    }

    /// The identify threshold for the gallery as it is now (see ``MatchThreshold/value(people:)``).
    /// - Throws: the gallery's errors.
    public func identifyThreshold() async throws -> Float {
        try await identifier.refreshIfNeeded()
        return threshold.value(people: await identifier.counts.people)
    }

    private func identification(_ face: Face, _ ranked: [PersonDistance], topK: Int, limit: Float) -> FaceIdentification {
        let best = ranked.first
        let identity = best.flatMap { $0.distance < limit ? $0.name : nil }
        let margin = ranked.count >= 2 ? ranked[1].distance - ranked[0].distance : nil
        return FaceIdentification(
            box: FaceBox(face.detection), detectionScore: face.detection.score, identity: identity,
            distance: best?.distance, margin: margin, threshold: limit,
            probability: best.flatMap { threshold.probability(of: $0.distance) },
            falseAcceptRate: threshold.falseAcceptRate(of: limit),
            candidates: ranked.prefix(topK).map {
                Candidate(name: $0.name, personID: $0.personID, distance: $0.distance,
                          probability: threshold.probability(of: $0.distance))
            })
    }

    /// Is the largest face of `image` the person called `name`?
    /// - Parameters:
    ///   - image: the decoded photo.
    ///   - name: the claimed identity (exact, case-sensitive).
    ///   - source: a label for errors (file name).
    /// - Throws: ``RecognitionError/noFace(source:)``, ``RecognitionError/unknownPerson(name:)``,
    ///   ``RecognitionError/noSamples(name:)``, pipeline and gallery errors.
    public func verify(_ image: Image, as name: String, source: String = "the image") async throws -> Verification {
        guard try await store.person(named: name) != nil else { throw RecognitionError.unknownPerson(name: name) }
        let faces = try pipeline.faces(in: image)
        guard let face = faces.first else { throw RecognitionError.noFace(source: source) }
        guard let match = try await identifier.distance(face.embedding, to: name) else {
            throw RecognitionError.noSamples(name: name)
        }
        return Verification(name: name, box: FaceBox(face.detection), facesInImage: faces.count, distance: match.distance,
                            threshold: threshold.value, match: threshold.matches(match.distance),
                            probability: threshold.probability(of: match.distance), falseAcceptRate: threshold.falseAcceptRate)
    }

    /// Enrols photos of one person (see ``Enroller``) and keeps the in-memory index in step.
    /// - Parameters:
    ///   - name: the person's name.
    ///   - images: the photos.
    ///   - target: whether the person may or must be created.
    ///   - policy: the quality bar.
    ///   - progress: called with the number of photos examined so far.
    /// - Throws: as ``Enroller/enroll(_:images:target:into:progress:)``.
    public func enroll(_ name: String, images: [EnrolmentImage], target: EnrolmentTarget = .newOrExisting,
                       policy: EnrolmentPolicy = EnrolmentPolicy(),
                       progress: (@Sendable (Int) -> Void)? = nil) async throws -> EnrolmentReport {
        let result = try await Enroller(pipeline: pipeline, policy: policy)
            .enroll(name, images: images, target: target, into: store, progress: progress)
        if let person = result.person, let before = result.versionBefore, let after = result.versionAfter {
            await identifier.didEnroll(result.faces, person: person, versionBefore: before, versionAfter: after)
        }
        return result.report
    }
}
