import Hummingbird

/// One endpoint of the API: what the router registers and what /openapi.json documents, from
/// the same table so the two cannot drift apart.
public struct RouteSpec: Sendable {
    /// What the request body holds.
    public enum Body: Sendable {
        /// No body.
        case none
        /// One image (raw, multipart field `image`, or base64 JSON field `image`) plus text fields.
        case image(fields: [String])
        /// Two images, `first` and `second` (multipart or base64 JSON).
        case twoImages
        /// A JSON object with these string fields.
        case json(fields: [String])
    }

    /// What the success response holds.
    public enum Output: Sendable {
        /// A JSON object described by a schema name in the document.
        case json(schema: String, status: Int)
        /// An HTML page.
        case html
        /// No content (204).
        case empty
    }

    /// The operation's stable identifier (`operationId` in OpenAPI).
    public let operation: Operation
    /// The HTTP method.
    public let method: HTTPRequest.Method
    /// The path in OpenAPI template form, e.g. `/v1/people/{id}`.
    public let path: String
    /// A one-line summary.
    public let summary: String
    /// The request body.
    public let body: Body
    /// The success response.
    public let output: Output

    /// The operations the server implements.
    public enum Operation: String, Sendable, CaseIterable {
        /// `POST /v1/detect`.
        case detect
        /// `POST /v1/embed`.
        case embed
        /// `POST /v1/compare`.
        case compare
        /// `POST /v1/verify`.
        case verify
        /// `POST /v1/identify`.
        case identify
        /// `POST /v1/people`.
        case createPerson
        /// `GET /v1/people`.
        case listPeople
        /// `GET /v1/people/{id}`.
        case getPerson
        /// `PATCH /v1/people/{id}`.
        case updatePerson
        /// `DELETE /v1/people/{id}`.
        case deletePerson
        /// `POST /v1/people/{id}/faces`.
        case enrolFace
        /// `DELETE /v1/people/{id}/faces/{faceId}`.
        case deleteFace
        /// `GET /health`.
        case health
        /// `GET /openapi.json`.
        case openAPI
        /// `GET /`.
        case webPage
    }

    /// Whether a concrete request path (e.g. `/v1/people/12`) has this route's shape; `{name}`
    /// segments match any one segment.
    public func matches(path requestPath: String) -> Bool {
        let template = path.split(separator: "/", omittingEmptySubsequences: false)
        let actual = requestPath.split(separator: "/", omittingEmptySubsequences: false)
        guard template.count == actual.count else { return false }
        return zip(template, actual).allSatisfy { t, a in (t.hasPrefix("{") && t.hasSuffix("}") && !a.isEmpty) || t == a }
    }

    /// The methods the server accepts on a request path, in table order (empty: no such path).
    public static func methods(forPath requestPath: String) -> [HTTPRequest.Method] {
        all.filter { $0.matches(path: requestPath) }.map(\.method)
    }

    /// Whether the route needs an API key when keys are configured.
    public var needsKey: Bool { path.hasPrefix("/v1") }

    /// Every route, in documentation order.
    public static let all: [RouteSpec] = [
        RouteSpec(operation: .detect, method: .post, path: "/v1/detect",
                  summary: "Find faces: boxes, scores and 5-point landmarks, largest first.",
                  body: .image(fields: []), output: .json(schema: "DetectResponse", status: 200)),
        RouteSpec(operation: .embed, method: .post, path: "/v1/embed",
                  summary: "Find faces and compute their embeddings.",
                  body: .image(fields: []), output: .json(schema: "EmbedResponse", status: 200)),
        RouteSpec(operation: .compare, method: .post, path: "/v1/compare",
                  summary: "Distance between the largest faces of two images, with the model's default verdict.",
                  body: .twoImages, output: .json(schema: "CompareResponse", status: 200)),
        RouteSpec(operation: .verify, method: .post, path: "/v1/verify",
                  summary: "Is the largest face in the image the named person?",
                  body: .image(fields: ["name"]), output: .json(schema: "VerifyResponse", status: 200)),
        RouteSpec(operation: .identify, method: .post, path: "/v1/identify",
                  summary: "Name every face in the image from the gallery (unknown faces have no person).",
                  body: .image(fields: []), output: .json(schema: "IdentifyResponse", status: 200)),
        RouteSpec(operation: .createPerson, method: .post, path: "/v1/people",
                  summary: "Add a person.", body: .json(fields: ["name", "metadata"]),
                  output: .json(schema: "Person", status: 201)),
        RouteSpec(operation: .listPeople, method: .get, path: "/v1/people",
                  summary: "Every person, ordered by name.", body: .none,
                  output: .json(schema: "PeopleResponse", status: 200)),
        RouteSpec(operation: .getPerson, method: .get, path: "/v1/people/{id}",
                  summary: "A person with their face samples.", body: .none,
                  output: .json(schema: "PersonDetail", status: 200)),
        RouteSpec(operation: .updatePerson, method: .patch, path: "/v1/people/{id}",
                  summary: "Rename a person and/or replace their metadata.", body: .json(fields: ["name", "metadata"]),
                  output: .json(schema: "Person", status: 200)),
        RouteSpec(operation: .deletePerson, method: .delete, path: "/v1/people/{id}",
                  summary: "Remove a person with all their faces.", body: .none, output: .empty),
        RouteSpec(operation: .enrolFace, method: .post, path: "/v1/people/{id}/faces",
                  summary: "Enrol a face from an image (quality-gated; `face` picks one of several, largest first = 0; `keepCrop` stores the aligned crop).",
                  body: .image(fields: ["face", "keepCrop"]), output: .json(schema: "EnrolResponse", status: 201)),
        RouteSpec(operation: .deleteFace, method: .delete, path: "/v1/people/{id}/faces/{faceId}",
                  summary: "Remove one face sample.", body: .none, output: .empty),
        RouteSpec(operation: .health, method: .get, path: "/health",
                  summary: "Liveness, model and gallery counts.", body: .none,
                  output: .json(schema: "Health", status: 200)),
        RouteSpec(operation: .openAPI, method: .get, path: "/openapi.json",
                  summary: "This document.", body: .none, output: .json(schema: "OpenAPI", status: 200)),
        RouteSpec(operation: .webPage, method: .get, path: "/",
                  summary: "The web page: open or drop a photo, see faces named, enrol and manage people.",
                  body: .none, output: .html),
    ]
}
