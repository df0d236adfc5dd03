import Foundation
import Hummingbird
import Visage
import VisageImage
import VisageRecognition
import VisageStore

/// `POST /v1/verify`, `/v1/identify` and `/v1/people/{id}/faces`: the gallery-backed endpoints,
/// through VisageRecognition's ``Recognizer`` (the same gating, reason codes, identifier and
/// thresholds as the CLI).
extension VisageServer {
    func identify(_ request: Request) async throws -> Response {
        let form = try await form(request)
        let analysed = try await analysis.analyse(try form.image())
        let topK = try form.integer("top") ?? 3
        guard (1...20).contains(topK) else { throw ServerError.badRequest(reason: "top must be 1–20") }
        let identified = try await recognizer.identify(faces: [analysed.faces], topK: topK)[0]
        let faces = identified.map { face -> API.IdentifiedFace in
            let best = face.candidates.first
            return API.IdentifiedFace(
                box: API.Box(face.box), score: face.detectionScore,
                person: face.identity != nil ? best.map { API.PersonRef(id: $0.personID, name: $0.name) } : nil,
                distance: face.distance, probability: face.probability,
                candidates: face.candidates.map {
                    API.CandidateBody(person: API.PersonRef(id: $0.personID, name: $0.name), distance: $0.distance)
                })
        }
        // The threshold the faces were decided with (it depends on the gallery size).
        let threshold: Float
        if let decided = identified.first?.threshold {
            threshold = decided
        } else {
            threshold = try await recognizer.identifyThreshold()
        }
        return try Reply.json(API.IdentifyResponse(width: analysed.width, height: analysed.height,
                                                   threshold: threshold, faces: faces))
    }

    func verify(_ request: Request) async throws -> Response {
        let form = try await form(request)
        let bytes = try form.image()
        guard let name = form.fields["name"], !name.isEmpty else { throw ServerError.badRequest(reason: "the field \"name\" is required") }
        guard let person = try await gallery.person(named: name) else { throw ServerError.personNotFound("named \"\(name)\"") }
        let recognizer = recognizer, limits = analysis.limits
        let verdict = try await pool.runAsync({
            try await recognizer.verify(try FaceAnalysis.decode(bytes, limits: limits), as: name)
        })
        return try Reply.json(API.VerifyResponse(person: API.PersonRef(id: person.id, name: person.name),
                                                 distance: verdict.distance, threshold: verdict.threshold,
                                                 match: verdict.match, probability: verdict.probability,
                                                 box: API.Box(verdict.box)))
    }

    func enrolFace(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let person = try await person(context)
        let form = try await form(request)
        var bytes = try form.image()
        var gate = EnrolmentPolicy()
        gate.keepCrops = try form.flag("keepCrop") ?? configuration.keepCrops
        let policy = gate
        if let index = try form.integer("face") {
            // One face of several: hide the others so the gate sees exactly the chosen one, at
            // its original place in the photo.
            bytes = try await isolate(face: index, in: bytes)
        }
        let recognizer = recognizer, name = person.name, images = [EnrolmentImage(source: "upload", data: bytes)]
        let report = try await pool.runAsync({
            try await recognizer.enroll(name, images: images, target: .existingPerson, policy: policy)
        })
        guard let outcome = report.outcomes.first else { throw ServerError.internalError }
        switch outcome.status {
        case .rejected(let reason, let message):
            throw ServerError.enrolmentRejected(reason: reason.rawValue, message: message)
        case .accepted(let id):
            guard let updated = try await gallery.person(id: person.id),
                  let sample = try await gallery.faces(of: updated.name).first(where: { $0.id == id }) else {
                throw ServerError.personNotFound("with id \(person.id)")
            }
            return try Reply.json(API.EnrolResponse(person: API.PersonBody(updated), face: API.FaceBody(sample)),
                                  status: .created)
        }
    }

    /// The photo re-encoded as PNG with every face but `index` (largest first) painted grey.
    private func isolate(face index: Int, in bytes: [UInt8]) async throws -> [UInt8] {
        let pipeline = analysis.pipeline, limits = analysis.limits
        return try await pool.run {
            var image = try FaceAnalysis.decode(bytes, limits: limits)
            let faces = try pipeline.locate(in: image)
            guard faces.indices.contains(index) else { throw ServerError.faceIndexOutOfRange(index: index, count: faces.count) }
            if faces.count == 1 { return bytes }
            let channels = image.format.channels
            for (i, face) in faces.enumerated() where i != index {
                let d = face.detection
                let x0 = max(0, Int(d.left.rounded(.down))), x1 = min(image.width, Int(d.right.rounded(.up)) + 1)
                let y0 = max(0, Int(d.top.rounded(.down))), y1 = min(image.height, Int(d.bottom.rounded(.up)) + 1)
                guard x0 < x1, y0 < y1 else { continue }
                for y in y0..<y1 {
                    let row = y * image.width * channels
                    for k in (row + x0 * channels)..<(row + x1 * channels) { image.pixels[k] = 128 }
                }
            }
            return try image.pngData()
        }
    }
}

/// Recognition errors a client can act on keep their meaning.
extension ErrorMapping {
    static func map(_ error: RecognitionError) -> ServerError? {
        switch error {
        case .unreadableImage(_, let reason): return .invalidImage(reason: reason)
        case .noFace: return .noFace
        case .unknownPerson(let name): return .personNotFound("named \"\(name)\" (or they have no face samples)")
        case .noSamples(let name): return .personNotFound("named \"\(name)\" has no face samples")
        case .invalidArgument(let message): return .badRequest(reason: message)
        case .modelMismatch, .badCalibration: return nil
        }
    }
}
