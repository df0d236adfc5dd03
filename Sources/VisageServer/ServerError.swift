import Foundation
import Hummingbird

/// Everything the server reports to a client, each with a stable machine-readable ``code`` and an
/// HTTP status.
///
/// Responses carry it as `{"error": {"code": "...", "message": "..."}}`. Codes never change
/// meaning between versions; messages may be reworded.
public enum ServerError: Error, Equatable, CustomStringConvertible {
    /// The request is malformed: a missing or invalid field, parameter or header.
    case badRequest(reason: String)
    /// The request body is not valid JSON or does not have the expected shape.
    case invalidJSON(reason: String)
    /// The request carries no image where one is required.
    case missingImage(field: String)
    /// The image bytes cannot be decoded (not JPEG/PNG/PNM, truncated, corrupt).
    case invalidImage(reason: String)
    /// The image has more pixels than the server accepts.
    case imageTooLarge(width: Int, height: Int, limit: Int)
    /// The body is larger than the server accepts.
    case bodyTooLarge(limit: Int)
    /// The body's content type is not one the endpoint reads.
    case unsupportedMediaType(String)
    /// No valid API key was given on a route that needs one.
    case unauthorized
    /// No route has this path.
    case notFound(path: String)
    /// The path exists but not with this method.
    case methodNotAllowed
    /// No person has this id or name.
    case personNotFound(String)
    /// No face sample with this id belongs to the person.
    case faceNotFound(Int64)
    /// A person with this name already exists.
    case duplicateName(String)
    /// The name is empty, only whitespace, or too long.
    case invalidName(String)
    /// The image holds no face where the endpoint needs one.
    case noFace
    /// The face index asked for does not exist in the image.
    case faceIndexOutOfRange(index: Int, count: Int)
    /// Enrolment refused the face; `reason` is the gating's stable reason code (VisageRecognition's
    /// `RejectionReason`, the same codes as `visage enroll`), sent as the error code.
    case enrolmentRejected(reason: String, message: String)
    /// The request took longer than the per-request timeout.
    case timeout(seconds: Double)
    /// Too many inference jobs are waiting; retry later.
    case overloaded
    /// The gallery is locked or unreachable for now; retry later.
    case galleryUnavailable(reason: String)
    /// An unexpected failure; details are in the server log.
    case internalError

    /// The stable code sent to clients.
    public var code: String {
        switch self {
        case .badRequest: return "bad_request"
        case .invalidJSON: return "invalid_json"
        case .missingImage: return "missing_image"
        case .invalidImage: return "invalid_image"
        case .imageTooLarge: return "image_too_large"
        case .bodyTooLarge: return "body_too_large"
        case .unsupportedMediaType: return "unsupported_media_type"
        case .unauthorized: return "unauthorized"
        case .notFound: return "not_found"
        case .methodNotAllowed: return "method_not_allowed"
        case .personNotFound: return "person_not_found"
        case .faceNotFound: return "face_not_found"
        case .duplicateName: return "duplicate_name"
        case .invalidName: return "invalid_name"
        case .noFace: return "no_face"
        case .faceIndexOutOfRange: return "face_index_out_of_range"
        case .enrolmentRejected(let reason, _): return reason
        case .timeout: return "timeout"
        case .overloaded: return "overloaded"
        case .galleryUnavailable: return "gallery_unavailable"
        case .internalError: return "internal_error"
        }
    }

    /// The HTTP status sent with the error.
    public var status: HTTPResponse.Status {
        switch self {
        case .badRequest, .invalidJSON, .missingImage, .invalidImage: return .badRequest
        case .imageTooLarge, .invalidName, .noFace, .faceIndexOutOfRange, .enrolmentRejected:
            return .unprocessableContent
        case .bodyTooLarge: return .contentTooLarge
        case .unsupportedMediaType: return .unsupportedMediaType
        case .unauthorized: return .unauthorized
        case .notFound, .personNotFound, .faceNotFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .duplicateName: return .conflict
        case .timeout, .overloaded, .galleryUnavailable: return .serviceUnavailable
        case .internalError: return .internalServerError
        }
    }

    /// Every code the server can send except enrolment rejections (whose codes are the gating's
    /// reason codes), for the OpenAPI document.
    public static let allCodes = [
        "bad_request", "invalid_json", "missing_image", "invalid_image", "image_too_large",
        "body_too_large", "unsupported_media_type", "unauthorized", "not_found", "method_not_allowed",
        "person_not_found", "face_not_found", "duplicate_name", "invalid_name", "no_face",
        "face_index_out_of_range", "timeout", "overloaded",
        "gallery_unavailable", "internal_error",
    ]

    /// A message that says what happened and what to do about it.
    public var description: String {
        switch self {
        case .badRequest(let reason): return "Bad request: \(reason)."
        case .invalidJSON(let reason): return "The body is not the JSON this endpoint expects: \(reason)."
        case .missingImage(let field):
            return "No image in the request: send it as the raw body (image/jpeg, image/png), as multipart field \"\(field)\", or base64 in JSON field \"\(field)\"."
        case .invalidImage(let reason): return "The image cannot be read: \(reason)."
        case .imageTooLarge(let width, let height, let limit):
            return "The image is \(width)x\(height) pixels, more than the server's limit of \(limit); scale it down and retry."
        case .bodyTooLarge(let limit): return "The request body is larger than \(limit) bytes; send a smaller image."
        case .unsupportedMediaType(let type):
            return "Content type \"\(type)\" is not accepted here; use image/jpeg, image/png, multipart/form-data or application/json."
        case .unauthorized:
            return "A valid API key is required: send it as \"Authorization: Bearer KEY\" or \"X-API-Key: KEY\"."
        case .notFound(let path): return "No such endpoint: \(path). See /openapi.json."
        case .methodNotAllowed: return "This endpoint does not accept this method. See /openapi.json."
        case .personNotFound(let who): return "No person \(who) in the gallery."
        case .faceNotFound(let id): return "No face sample \(id) belongs to this person."
        case .duplicateName(let name): return "A person named \"\(name)\" already exists; choose another name."
        case .invalidName(let name): return "\"\(name)\" is not a valid name: 1–200 characters, not only whitespace."
        case .noFace: return "No face was found in the image."
        case .faceIndexOutOfRange(let index, let count):
            return "Face \(index) was asked for but the image has \(count) face(s) (numbered from 0, largest first)."
        case .enrolmentRejected(_, let message): return "Enrolment refused: \(message)"
        case .timeout(let seconds): return "The request took longer than \(seconds) s and was abandoned; retry later."
        case .overloaded: return "The server is busy with other images; retry shortly."
        case .galleryUnavailable(let reason): return "The gallery is unavailable: \(reason). Retry shortly."
        case .internalError: return "Internal server error; the server log has the details."
        }
    }
}
