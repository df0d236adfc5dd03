import Foundation
import Hummingbird
import Logging
import VisagePostgres
import VisageRecognition
import VisageStore

/// Turns any error a handler throws into a ``ServerError`` and a JSON response.
enum ErrorMapping {
    /// The API error for an error; unexpected errors are logged and become `internal_error`.
    static func serverError(for error: Error, path: String, logger: Logger) -> ServerError {
        switch error {
        case let error as ServerError:
            return error
        case let error as GalleryError:
            return map(error, logger: logger)
        case let error as PostgresGalleryError:
            // The database went away, timed out or was closed: the client may retry.
            logger.error("PostgreSQL gallery: \(error.description)")
            return .galleryUnavailable(reason: error.description)
        case let error as RecognitionError:
            if let mapped = map(error) { return mapped }
        case let error as HTTPResponseError:
            switch error.status {
            case .notFound:
                // The router answers 404 for a known path with another method: say 405.
                return RouteSpec.methods(forPath: path).isEmpty ? .notFound(path: path) : .methodNotAllowed
            case .methodNotAllowed: return .methodNotAllowed
            case .contentTooLarge: return .bodyTooLarge(limit: 0)
            case .badRequest: return .badRequest(reason: "\(error)")
            default: break
            }
        default:
            break
        }
        logger.error("unexpected error on \(path): \(String(describing: error))")
        return .internalError
    }

    /// Gallery errors a client can act on keep their meaning; the rest are internal.
    static func map(_ error: GalleryError, logger: Logger) -> ServerError {
        switch error {
        case .unknownPerson(let name): return .personNotFound("named \"\(name)\"")
        case .unknownFace(let id): return .faceNotFound(id)
        case .duplicateName(let name): return .duplicateName(name)
        case .invalidName(let name): return .invalidName(name)
        case .invalidJSON(let reason): return .badRequest(reason: reason)
        case .busy, .changedConcurrently: return .galleryUnavailable(reason: error.description)
        default:
            logger.error("gallery error: \(error.description)")
            return .internalError
        }
    }

    /// The JSON error response.
    static func response(for error: ServerError) -> Response {
        let envelope = API.ErrorEnvelope(error: .init(code: error.code, message: error.description))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if error == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        let data = (try? JSONEncoder().encode(envelope)) ?? Data("{\"error\":{\"code\":\"internal_error\",\"message\":\"\"}}".utf8)
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Maps errors to JSON and checks API keys on `/v1` routes.
struct APIMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The accepted keys, or `nil` for none.
    let keys: APIKeySet?
    /// Where unexpected errors are logged.
    let logger: Logger

    /// Checks the key, runs the route, and turns thrown errors into JSON responses.
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            if let keys, request.uri.path.hasPrefix("/v1") {
                guard let key = Self.presentedKey(request), keys.accepts(key) else { throw ServerError.unauthorized }
            }
            return try await next(request, context)
        } catch {
            let path = request.uri.path
            let mapped = ErrorMapping.serverError(for: error, path: path, logger: logger)
            var response = ErrorMapping.response(for: mapped)
            if mapped == .methodNotAllowed {
                response.headers[.allow] = RouteSpec.methods(forPath: path).map(\.rawValue).joined(separator: ", ")
            }
            return response
        }
    }

    /// The key from `Authorization: Bearer KEY` or `X-API-Key: KEY`.
    static func presentedKey(_ request: Request) -> String? {
        RequestDecoding.presentedKey(
            authorization: request.headers[.authorization],
            apiKeyHeader: request.headers.first(where: { $0.name.canonicalName == "x-api-key" })?.value)
    }
}
