import Foundation
import VisageImage

/// The server's request decoding as plain functions: what the routes do with a request's bytes
/// and headers before any face work, callable without a running server.
///
/// The routes call exactly these functions, so a fuzzer or a test that drives them exercises
/// the same code a client reaches over HTTP (`Fuzz/Sources/fuzz-server-request`). Every
/// failure is a ``ServerError``.
public enum RequestDecoding {
    /// Reads a request body into images and text fields, the way the image endpoints do.
    ///
    /// - `multipart/form-data; boundary=…`: parts named in `imageFields` or carrying a file name
    ///   are images, other parts are text fields.
    /// - `application/json`: an object; members named in `imageFields` are base64 strings
    ///   (optionally a `data:` URL), string and number members are text fields.
    /// - no content type, `application/octet-stream` or `image/*`: the body is the image `image`.
    /// - Parameters:
    ///   - body: the body bytes (already within the server's size limit).
    ///   - contentType: the `Content-Type` header, if any.
    ///   - query: query parameters, read as text fields (the body's fields override them).
    ///   - imageFields: the field names that hold images.
    /// - Returns: the decoded form (an empty body gives only the query fields).
    /// - Throws: ``ServerError/badRequest(reason:)`` for malformed multipart,
    ///   ``ServerError/invalidJSON(reason:)``, ``ServerError/unsupportedMediaType(_:)``.
    public static func form(body: [UInt8], contentType: String?, query: [String: String] = [:],
                            imageFields: Set<String> = ["image"]) throws -> RequestForm {
        try RequestForm(body: body, contentType: contentType, query: query, imageFields: imageFields)
    }

    /// Decodes the JSON body of `POST /v1/people` and `PATCH /v1/people/{id}`.
    /// - Parameter body: the body bytes.
    /// - Throws: ``ServerError/invalidJSON(reason:)`` when the body is empty, not JSON, or not
    ///   an object with an optional string `name` and an optional string-to-string `metadata`.
    public static func person(body: [UInt8]) throws -> PersonRequest {
        try json(PersonRequest.self, body: body)
    }

    /// Decodes image bytes with the server's limits, mapping decoder errors to API errors.
    /// - Parameters:
    ///   - bytes: the image file's bytes (JPEG, PNG, PGM/PPM).
    ///   - limits: the pixel and byte limits (the server derives them from its configuration).
    /// - Throws: ``ServerError/imageTooLarge(width:height:limit:)``,
    ///   ``ServerError/bodyTooLarge(limit:)`` or ``ServerError/invalidImage(reason:)``.
    public static func image(_ bytes: [UInt8], limits: DecodeLimits) throws -> Image {
        do {
            return try Image.decode(data: bytes, limits: limits)
        } catch let error as ImageError {
            switch error {
            case .tooLarge(let width, let height, let limit):
                throw ServerError.imageTooLarge(width: width, height: height, limit: limit)
            case .fileTooLarge(_, let limit):
                throw ServerError.bodyTooLarge(limit: limit)
            default:
                throw ServerError.invalidImage(reason: error.description)
            }
        }
    }

    /// The API key a request presents: `Authorization: Bearer KEY` (scheme case-insensitive,
    /// key trimmed) or else `X-API-Key: KEY`.
    /// - Parameters:
    ///   - authorization: the `Authorization` header, if any.
    ///   - apiKeyHeader: the `X-API-Key` header, if any.
    /// - Returns: the key, or `nil` when the request presents none.
    public static func presentedKey(authorization: String?, apiKeyHeader: String?) -> String? {
        if let authorization, authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return apiKeyHeader
    }

    /// Decodes a JSON body into `T`.
    static func json<T: Decodable>(_ type: T.Type, body: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw ServerError.invalidJSON(reason: body.isEmpty ? "the body is empty" : "\(error)")
        }
    }
}

/// The body of `POST /v1/people` and `PATCH /v1/people/{id}`.
public struct PersonRequest: Codable, Sendable, Equatable {
    /// The person's (new) name.
    public var name: String?
    /// The person's metadata (replaces the old metadata when given).
    public var metadata: [String: String]?

    /// Creates a body.
    /// - Parameters:
    ///   - name: the name.
    ///   - metadata: the metadata.
    public init(name: String? = nil, metadata: [String: String]? = nil) {
        self.name = name
        self.metadata = metadata
    }
}
