import Foundation
import Hummingbird
import NIOCore

/// What a request carried: images by field name and text fields, read from a raw image body,
/// `multipart/form-data`, or JSON with base64 images. Query parameters count as text fields.
///
/// Made by ``RequestDecoding/form(body:contentType:query:imageFields:)``.
public struct RequestForm: Sendable, Equatable {
    /// Image bytes by field name (`image` for a raw body).
    public var images: [String: [UInt8]] = [:]
    /// Text fields by name.
    public var fields: [String: String] = [:]

    /// The image in `field`, or ``ServerError/missingImage(field:)``.
    public func image(_ field: String = "image") throws -> [UInt8] {
        guard let bytes = images[field], !bytes.isEmpty else { throw ServerError.missingImage(field: field) }
        return bytes
    }

    /// An integer field, `nil` when absent, ``ServerError/badRequest(reason:)`` when malformed.
    public func integer(_ field: String) throws -> Int? {
        guard let text = fields[field] else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ServerError.badRequest(reason: "field \"\(field)\" must be an integer, got \"\(text.prefix(40))\"")
        }
        return value
    }

    /// A boolean field (`true`/`false`/`1`/`0`), `nil` when absent.
    public func flag(_ field: String) throws -> Bool? {
        guard let text = fields[field]?.lowercased() else { return nil }
        switch text {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ServerError.badRequest(reason: "field \"\(field)\" must be true or false")
        }
    }

    /// A number field, `nil` when absent.
    public func number(_ field: String) throws -> Double? {
        guard let text = fields[field] else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw ServerError.badRequest(reason: "field \"\(field)\" must be a number")
        }
        return value
    }

    /// Decodes a body (see ``RequestDecoding/form(body:contentType:query:imageFields:)``).
    init(body: [UInt8], contentType: String?, query: [String: String], imageFields: Set<String>) throws {
        fields = query
        let mediaType = (contentType ?? "").lowercased().split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        if body.isEmpty { return }
        switch mediaType {
        case "multipart/form-data":
            guard let boundary = MultipartForm.boundary(fromContentType: contentType ?? "") else {
                throw ServerError.badRequest(reason: "multipart/form-data without a boundary parameter")
            }
            for part in try MultipartForm(body: body, boundary: boundary).parts {
                if imageFields.contains(part.name) || part.filename != nil {
                    images[part.name] = part.body
                } else {
                    fields[part.name] = String(decoding: part.body, as: UTF8.self)
                }
            }
        case "application/json":
            try readJSON(body, imageFields: imageFields)
        case "", "application/octet-stream":
            images["image"] = body
        case _ where mediaType.hasPrefix("image/"):
            images["image"] = body
        default:
            throw ServerError.unsupportedMediaType(mediaType)
        }
    }

    /// Reads a request.
    /// - Parameters:
    ///   - request: the request (its body is consumed).
    ///   - limit: the body limit in bytes.
    ///   - imageFields: the fields that hold images (base64 in JSON).
    /// - Throws: ``ServerError`` (`bodyTooLarge`, `unsupportedMediaType`, `invalidJSON`, `badRequest`).
    static func read(_ request: Request, limit: Int, imageFields: Set<String>) async throws -> RequestForm {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            query[String(key)] = String(value)
        }
        let body = try await readBody(request, limit: limit)
        return try RequestForm(body: body, contentType: request.headers[.contentType], query: query,
                               imageFields: imageFields)
    }

    private mutating func readJSON(_ body: [UInt8], imageFields: Set<String>) throws {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw ServerError.invalidJSON(reason: "expected a JSON object")
        }
        for (key, value) in object {
            if imageFields.contains(key) {
                guard var text = value as? String else { throw ServerError.invalidJSON(reason: "\"\(key)\" must be a base64 string") }
                if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") { text = String(text[text.index(after: comma)...]) }
                guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                    throw ServerError.invalidJSON(reason: "\"\(key)\" is not valid base64")
                }
                images[key] = [UInt8](data)
            } else if let text = value as? String {
                fields[key] = text
            } else if let number = value as? NSNumber {
                fields[key] = number.stringValue
            }
        }
    }

    /// Collects the body, enforcing the limit before and while reading.
    static func readBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ServerError.bodyTooLarge(limit: limit)
        }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            throw ServerError.bodyTooLarge(limit: limit)
        }
    }
}
