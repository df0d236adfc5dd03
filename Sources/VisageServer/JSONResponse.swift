import Foundation
import Hummingbird

/// Building responses: JSON bodies, HTML, empty.
enum Reply {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// A JSON response.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A response with raw bytes and a content type.
    static func bytes(_ data: Data, contentType: String) -> Response {
        Response(status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// 204 No Content.
    static func empty() -> Response { Response(status: .noContent) }

    /// Decodes a JSON request body into `T`.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        try RequestDecoding.json(T.self, body: try await RequestForm.readBody(request, limit: limit))
    }
}
