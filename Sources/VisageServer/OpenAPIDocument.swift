import Foundation
import VisageRecognition

/// The OpenAPI 3.0 document of the server, generated from ``RouteSpec/all`` and hand-written
/// schemas, so every route the router serves is documented and nothing else is.
public enum OpenAPIDocument {
    /// The document as a JSON object tree.
    /// - Parameter requiresKeys: whether `/v1` routes declare the API-key security scheme.
    public static func object(requiresKeys: Bool) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in RouteSpec.all {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route, requiresKeys: requiresKeys)
        }
        var components: [String: Any] = ["schemas": OpenAPISchemas.all]
        if requiresKeys {
            components["securitySchemes"] = [
                "bearer": ["type": "http", "scheme": "bearer"],
                "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
            ]
        }
        return [
            "openapi": "3.0.3",
            "info": [
                "title": "Visage face recognition API",
                "version": "1.0.0",
                "description": "Detect, embed, compare, verify and identify faces; manage the gallery. Errors are {\"error\": {\"code\", \"message\"}} with codes: \(ServerError.allCodes.joined(separator: ", ")); an enrolment refused by the quality gate answers 422 with the gate's reason code: \(RejectionReason.allCases.map(\.rawValue).joined(separator: ", ")).",
            ],
            "paths": paths,
            "components": components,
        ]
    }

    /// The document as JSON bytes (keys sorted).
    public static func data(requiresKeys: Bool) -> Data {
        (try? JSONSerialization.data(withJSONObject: object(requiresKeys: requiresKeys), options: [.sortedKeys, .prettyPrinted])) ?? Data()
    }

    private static func operation(_ route: RouteSpec, requiresKeys: Bool) -> [String: Any] {
        var op: [String: Any] = ["operationId": route.operation.rawValue, "summary": route.summary]
        let parameters = pathParameters(route.path).map { name -> [String: Any] in
            ["name": name, "in": "path", "required": true, "schema": ["type": "integer", "format": "int64"]]
        }
        if !parameters.isEmpty { op["parameters"] = parameters }
        if let body = requestBody(route.body) { op["requestBody"] = body }
        var responses: [String: Any] = [:]
        switch route.output {
        case .json(let schema, let status):
            responses[String(status)] = ["description": "Success", "content": json(ref(schema))] as [String: Any]
        case .html:
            responses["200"] = ["description": "The page", "content": ["text/html": ["schema": ["type": "string"]]]] as [String: Any]
        case .empty:
            responses["204"] = ["description": "Done"] as [String: Any]
        }
        let error: [String: Any] = ["description": "An error (see the code)", "content": json(ref("Error"))]
        responses["default"] = error
        op["responses"] = responses
        if requiresKeys && route.needsKey { op["security"] = [["bearer": [String]()], ["apiKey": [String]()]] }
        return op
    }

    private static func requestBody(_ body: RouteSpec.Body) -> [String: Any]? {
        let binary: [String: Any] = ["type": "string", "format": "binary"]
        let base64: [String: Any] = ["type": "string", "format": "byte", "description": "base64 (a data: URL prefix is allowed)"]
        switch body {
        case .none:
            return nil
        case .image(let fields):
            var multipart: [String: Any] = ["image": binary]
            var base64JSON: [String: Any] = ["image": base64]
            for field in fields {
                multipart[field] = ["type": "string"]
                base64JSON[field] = ["type": "string"]
            }
            let content: [String: Any] = [
                "image/jpeg": ["schema": binary], "image/png": ["schema": binary],
                "application/octet-stream": ["schema": binary],
                "multipart/form-data": ["schema": objectSchema(multipart, required: ["image"])],
                "application/json": ["schema": objectSchema(base64JSON, required: ["image"])],
            ]
            return ["required": true, "content": content]
        case .twoImages:
            let content: [String: Any] = [
                "multipart/form-data": ["schema": objectSchema(["first": binary, "second": binary, "threshold": ["type": "number"]],
                                                               required: ["first", "second"])],
                "application/json": ["schema": objectSchema(["first": base64, "second": base64, "threshold": ["type": "number"]],
                                                            required: ["first", "second"])],
            ]
            return ["required": true, "content": content]
        case .json:
            return ["required": true, "content": json(ref("PersonRequest"))]
        }
    }

    /// The `{name}` parameters of a path template.
    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    private static func json(_ schema: [String: Any]) -> [String: Any] { ["application/json": ["schema": schema]] }

    private static func objectSchema(_ properties: [String: Any], required: [String]) -> [String: Any] {
        ["type": "object", "required": required, "properties": properties]
    }
}
