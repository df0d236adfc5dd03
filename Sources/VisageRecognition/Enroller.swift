import Foundation
import Visage
import VisageImage
import VisageStore

/// Whether an enrolment may create the person or add to an existing one.
public enum EnrolmentTarget: Sendable {
    /// Create the person when missing, otherwise add samples (the default).
    case newOrExisting
    /// The person must not exist yet (``VisageStore/GalleryError/duplicateName(name:)`` otherwise).
    case newPerson
    /// The person must exist (``VisageStore/GalleryError/unknownPerson(name:)`` otherwise).
    case existingPerson
}

/// Enrolment with quality gating: image bytes → one face per photo → embeddings → one
/// transaction.
///
/// Every photo gets an ``EnrolmentOutcome``; rejected photos do not stop the others. All accepted
/// faces of one call are written in a single gallery transaction, so either all of them are
/// stored or (on an error) none.
public struct Enroller: Sendable {
    /// Finds, aligns and embeds faces.
    public let pipeline: FacePipeline
    /// The quality bar.
    public let policy: EnrolmentPolicy

    /// Creates an enroller.
    /// - Throws: ``RecognitionError/invalidArgument(_:)`` for an inconsistent policy.
    public init(pipeline: FacePipeline, policy: EnrolmentPolicy = EnrolmentPolicy()) throws {
        try policy.validate()
        self.pipeline = pipeline
        self.policy = policy
    }

    /// A photo that passed the quality gate, before its embedding is computed.
    struct Candidate {
        var index: Int
        var face: LocatedFace
        var chip: Image
        var quality: FaceQuality
    }

    /// The gate's verdict on one photo.
    enum Assessment {
        case passed(Candidate)
        case rejected(EnrolmentOutcome)
    }

    /// Runs the gate on one photo: a chosen face with its chip, or a rejection.
    func assess(_ image: EnrolmentImage, digest: String, index: Int) -> Assessment {
        func reject(_ reason: RejectionReason, _ detail: String, box: FaceBox? = nil, quality: FaceQuality? = nil)
            -> Assessment {
            .rejected(EnrolmentOutcome(source: image.source, status: .rejected(reason, message: detail), box: box,
                                      quality: quality, imageSHA256: digest))
        }
        let decoded: Image
        do {
            decoded = try Image.decode(data: image.data)
        } catch {
            return reject(.unreadableImage, "\(error)")
        }
        let faces: [LocatedFace]
        do {
            faces = try pipeline.locate(in: decoded)
        } catch {
            return reject(.unreadableImage, "face detection failed: \(error)")
        }
        guard let face = faces.first else { return reject(.noFace, RejectionReason.noFace.summary) }
        let box = FaceBox(face.detection)
        if faces.count > 1 && policy.faceSelection == .single {
            return reject(.multipleFaces, "\(faces.count) faces found; pass --face largest to enrol the largest", box: box)
        }
        let side = min(face.detection.right - face.detection.left, face.detection.bottom - face.detection.top)
        if side < policy.minimumFaceSize {
            return reject(.faceTooSmall, String(format: "the face is %.0f px; at least %.0f px needed", side, policy.minimumFaceSize), box: box)
        }
        let chip: Image
        do {
            chip = try pipeline.chip(of: face, in: decoded)
        } catch {
            return reject(.unreadableImage, "cannot align the face: \(error)", box: box)
        }
        let quality = FaceQuality(chip: chip)
        if !policy.brightnessRange.contains(quality.brightness) || quality.clippedFraction > policy.maximumClippedFraction {
            return reject(.badExposure, String(format: "brightness %.0f (accepted %.0f…%.0f), %.0f%% clipped pixels (at most %.0f%%)",
                                               quality.brightness, policy.brightnessRange.lowerBound, policy.brightnessRange.upperBound,
                                               quality.clippedFraction * 100, policy.maximumClippedFraction * 100),
                          box: box, quality: quality)
        }
        if quality.sharpness < policy.minimumSharpness {
            return reject(.blurry, String(format: "sharpness %.1f is below %.1f", quality.sharpness, policy.minimumSharpness),
                          box: box, quality: quality)
        }
        return .passed(Candidate(index: index, face: face, chip: chip, quality: quality))
    }

    /// Enrols photos of one person into a gallery.
    /// - Parameters:
    ///   - name: the person's name.
    ///   - images: the photos (one is enough).
    ///   - target: whether the person may or must be created.
    ///   - store: the gallery (bound to the pipeline's model).
    ///   - progress: called with the number of photos examined so far, after each photo.
    /// - Returns: the per-photo outcomes, the person, and the accepted faces' embeddings.
    /// - Throws: ``RecognitionError/modelMismatch(gallery:pipeline:)``, ``GalleryError`` (`duplicateName`,
    ///   `unknownPerson`, `invalidName`, `readOnly`, `busy`, ...); the gallery is unchanged then.
    public func enroll(_ name: String, images: [EnrolmentImage], target: EnrolmentTarget = .newOrExisting,
                       into store: any GalleryStore,
                       progress: (@Sendable (Int) -> Void)? = nil) async throws -> EnrolmentResult {
        let model = GalleryModel.encoder(pipeline.encoder.descriptor)
        guard model == store.model else { throw RecognitionError.modelMismatch(gallery: store.model, pipeline: model) }
        let existing = try await store.person(named: name)
        switch target {
        case .newPerson where existing != nil: throw GalleryError.duplicateName(name: name)
        case .existingPerson where existing == nil: throw GalleryError.unknownPerson(name: name)
        default: break
        }
        var known = Set(existing == nil ? [] : try await store.faces(of: name).map(\.imageSHA256))
        var outcomes: [EnrolmentOutcome?] = Array(repeating: nil, count: images.count)
        var accepted: [Candidate] = []
        var digests: [String] = []
        for (i, image) in images.enumerated() {
            let digest = imageSHA256(image.data)
            digests.append(digest)
            if policy.rejectDuplicateImages && known.contains(digest) {
                outcomes[i] = EnrolmentOutcome(source: image.source, status: .rejected(.duplicateImage, message: RejectionReason.duplicateImage.summary),
                                               box: nil, quality: nil, imageSHA256: digest)
                progress?(i + 1)
                continue
            }
            switch assess(image, digest: digest, index: i) {
            case .rejected(let outcome): outcomes[i] = outcome
            case .passed(let candidate):
                accepted.append(candidate)
                known.insert(digest)
            }
            progress?(i + 1)
        }
        var newFaces: [NewFace] = []
        let embeddings = accepted.isEmpty ? [] : try pipeline.encoder.encode(accepted.map(\.chip))
        for (candidate, embedding) in zip(accepted, embeddings) {
            let crop = policy.keepCrops ? Data(try candidate.chip.pngData()) : nil
            newFaces.append(NewFace(imageSHA256: digests[candidate.index], box: FaceBox(candidate.face.detection),
                                    landmarks: candidate.face.landmarks.map { FacePoint(x: Double($0.x), y: Double($0.y)) },
                                    quality: Double(candidate.face.detection.score), crop: crop, embedding: embedding))
        }
        guard !newFaces.isEmpty else {
            return EnrolmentResult(report: EnrolmentReport(name: name, createdPerson: false, outcomes: outcomes.map { $0! }),
                                   person: existing, faces: [], versionBefore: nil, versionAfter: nil)
        }
        let before = try await store.version()
        let ids = try await store.enroll(personName: name, createIfMissing: target != .existingPerson, faces: newFaces)
        let after = try await store.version()
        for (candidate, id) in zip(accepted, ids) {
            outcomes[candidate.index] = EnrolmentOutcome(source: images[candidate.index].source, status: .accepted(id),
                                                         box: FaceBox(candidate.face.detection), quality: candidate.quality,
                                                         imageSHA256: digests[candidate.index])
        }
        let person = try await store.person(named: name)
        return EnrolmentResult(report: EnrolmentReport(name: name, createdPerson: existing == nil, outcomes: outcomes.map { $0! }),
                               person: person, faces: Array(zip(ids, embeddings)), versionBefore: before, versionAfter: after)
    }
}

/// What ``Enroller/enroll(_:images:target:into:progress:)`` did: the report, and what an in-memory index
/// needs to follow the write.
public struct EnrolmentResult: Sendable {
    /// The per-photo outcomes.
    public var report: EnrolmentReport
    /// The person after the write (`nil` when nothing was written to a new name).
    public var person: Person?
    /// The stored faces with their embeddings.
    public var faces: [(FaceID, [Float])]
    /// The gallery version just before the write (`nil` when nothing was written).
    public var versionBefore: Int64?
    /// The gallery version just after the write (`nil` when nothing was written).
    public var versionAfter: Int64?
}

extension FaceBox {
    /// The box of a detection.
    public init(_ detection: FaceDetection) {
        self.init(left: detection.left, top: detection.top, right: detection.right, bottom: detection.bottom)
    }
}
