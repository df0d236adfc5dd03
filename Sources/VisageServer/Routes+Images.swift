import Foundation
import Hummingbird
import Visage

/// `POST /v1/detect`, `/v1/embed` and `/v1/compare`: stateless image endpoints.
extension VisageServer {
    func detect(_ request: Request) async throws -> Response {
        let located = try await analysis.locate(try form(request).image())
        let faces = located.faces.map { face in
            API.DetectedFace(box: API.Box(face.detection), score: face.detection.score,
                             landmarks: face.landmarks.map { [$0.x, $0.y] })
        }
        return try Reply.json(API.DetectResponse(width: located.width, height: located.height, faces: faces))
    }

    func embed(_ request: Request) async throws -> Response {
        let analysed = try await analysis.analyse(try form(request).image())
        let faces = analysed.faces.map { face in
            API.EmbeddedFace(box: API.Box(face.detection), score: face.detection.score, embedding: face.embedding)
        }
        return try Reply.json(API.EmbedResponse(model: gallery.model.description, width: analysed.width,
                                                height: analysed.height, faces: faces))
    }

    func compare(_ request: Request) async throws -> Response {
        let form = try await form(request, images: ["first", "second"])
        let firstBytes = try form.image("first"), secondBytes = try form.image("second")
        async let first = analysis.analyse(firstBytes)
        async let second = analysis.analyse(secondBytes)
        guard let a = try await first.faces.first, let b = try await second.faces.first else { throw ServerError.noFace }
        let distance = Self.distance(a.embedding, b.embedding)
        let threshold = try form.number("threshold").map { Float($0) } ?? analysis.pipeline.encoder.descriptor.defaultThreshold
        return try Reply.json(API.CompareResponse(distance: distance, threshold: threshold, match: distance < threshold,
                                                  first: API.Box(a.detection), second: API.Box(b.detection)))
    }

    /// Euclidean distance.
    static func distance(_ a: [Float], _ b: [Float]) -> Float {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) {
            let d = a[i] - b[i]
            sum += d * d
        }
        return sum.squareRoot()
    }
}
