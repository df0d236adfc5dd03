import Foundation
import Visage
import VisageStore

/// The JSON shapes of the API (field names are part of the contract; see /openapi.json).
enum API {
    /// A face box in image pixels.
    struct Box: Codable, Equatable {
        var left: Double, top: Double, right: Double, bottom: Double

        init(_ d: FaceDetection) { left = d.left; top = d.top; right = d.right; bottom = d.bottom }
        init(_ b: FaceBox) { left = b.left; top = b.top; right = b.right; bottom = b.bottom }
    }

    /// A detected face.
    struct DetectedFace: Codable {
        var box: Box
        var score: Float
        var landmarks: [[Int]]
    }

    /// `POST /v1/detect`.
    struct DetectResponse: Codable {
        var width: Int
        var height: Int
        var faces: [DetectedFace]
    }

    /// A face with its embedding.
    struct EmbeddedFace: Codable {
        var box: Box
        var score: Float
        var embedding: [Float]
    }

    /// `POST /v1/embed`.
    struct EmbedResponse: Codable {
        var model: String
        var width: Int
        var height: Int
        var faces: [EmbeddedFace]
    }

    /// `POST /v1/compare` and the distance part of `POST /v1/verify`.
    struct CompareResponse: Codable {
        var distance: Float
        var threshold: Float
        var match: Bool
        var first: Box
        var second: Box
    }

    /// A person.
    struct PersonBody: Codable {
        var id: Int64
        var name: String
        var metadata: [String: String]
        var faceCount: Int
        var createdAt: String

        init(_ p: Person) {
            id = p.id; name = p.name; metadata = p.metadata; faceCount = p.faceCount
            createdAt = ISO8601DateFormatter().string(from: p.createdAt)
        }
    }

    /// `GET /v1/people`.
    struct PeopleResponse: Codable {
        var people: [PersonBody]
    }

    /// A stored face sample.
    struct FaceBody: Codable {
        var id: Int64
        var box: Box
        var quality: Double
        var hasCrop: Bool
        var createdAt: String

        init(_ f: FaceSample) {
            id = f.id.rawValue; box = Box(f.box); quality = f.quality; hasCrop = f.hasCrop
            createdAt = ISO8601DateFormatter().string(from: f.createdAt)
        }
    }

    /// `GET /v1/people/{id}` (the person with their faces).
    struct PersonDetail: Codable {
        var person: PersonBody
        var faces: [FaceBody]
    }

    /// A person named in a result.
    struct PersonRef: Codable {
        var id: Int64
        var name: String
    }

    /// One candidate for a face.
    struct CandidateBody: Codable {
        var person: PersonRef
        var distance: Float
    }

    /// A face named (or not) from the gallery.
    struct IdentifiedFace: Codable {
        var box: Box
        var score: Float
        var person: PersonRef?
        var distance: Float?
        var probability: Double?
        var candidates: [CandidateBody]
    }

    /// `POST /v1/identify`.
    struct IdentifyResponse: Codable {
        var width: Int
        var height: Int
        var threshold: Float
        var faces: [IdentifiedFace]
    }

    /// `POST /v1/verify`.
    struct VerifyResponse: Codable {
        var person: PersonRef
        var distance: Float
        var threshold: Float
        var match: Bool
        var probability: Double?
        var box: Box
    }

    /// `POST /v1/people/{id}/faces`.
    struct EnrolResponse: Codable {
        var person: PersonBody
        var face: FaceBody
    }

    /// `GET /health`.
    struct Health: Codable {
        var status: String
        var model: String
        var people: Int
        var faces: Int
        var galleryVersion: Int64
        var workers: Int
        var load: Int
    }

    /// `{"error": {"code", "message"}}`.
    struct ErrorEnvelope: Codable {
        struct Body: Codable {
            var code: String
            var message: String
        }
        var error: Body
    }
}
