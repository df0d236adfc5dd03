import Foundation
import Hummingbird
import VisageServer
import VisageTestSupport
import XCTest

/// API keys, the loopback rule, /health, /openapi.json and the page at /.
final class SecurityAndDocumentTests: XCTestCase {
    func testKeyFileHoldsOnlyHashesAndAcceptsTheRightKey() throws {
        let line = APIKeySet.hashLine(for: "s3cret")
        // SHA-256("s3cret"), as `printf s3cret | sha256sum` prints it.
        XCTAssertEqual(line, "sha256:" + "1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try "# door\n\(line) front door\n\n".write(to: file, atomically: true, encoding: .utf8)
        let keys = try APIKeySet(contentsOf: file.path)
        XCTAssertTrue(keys.accepts("s3cret"))
        XCTAssertFalse(keys.accepts("s3cret "))
        XCTAssertFalse(keys.accepts(""))
        XCTAssertFalse(try String(contentsOf: file, encoding: .utf8).contains("s3cret\n"))

        try "s3cret\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try APIKeySet(contentsOf: file.path)) { error in
            guard case ServerSetupError.invalidKeyFile = error else { return XCTFail("\(error)") }
        }
        try "# nothing\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try APIKeySet(contentsOf: file.path))
        XCTAssertThrowsError(try APIKeySet(contentsOf: "/nonexistent/keys"))
    }

    func testPublicBindNeedsKeys() throws {
        XCTAssertThrowsError(try ServerConfiguration(host: "0.0.0.0").validate()) { error in
            XCTAssertEqual(error as? ServerSetupError, .publicBindWithoutKeys(host: "0.0.0.0"))
        }
        XCTAssertNoThrow(try ServerConfiguration(host: "0.0.0.0", apiKeys: APIKeySet(keys: ["k"])).validate())
        XCTAssertNoThrow(try ServerConfiguration(host: "127.0.0.1").validate())
        XCTAssertThrowsError(try ServerConfiguration(port: 70000).validate())
    }

    func testKeysAreRequiredOnV1Only() async throws {
        let config = ServerConfiguration(apiKeys: APIKeySet(keys: ["k1", "k2"]))
        try await ServerFixture.withRouter(try await ServerFixture.server(config)) { client in
            let none = try await client.call(.get, "/v1/people")
            XCTAssertEqual(none.status, 401)
            XCTAssertEqual(errorCode(none.json), "unauthorized")
            let wrong = try await client.call(.get, "/v1/people", headers: [.authorization: "Bearer nope"])
            XCTAssertEqual(wrong.status, 401)
            let bearer = try await client.call(.get, "/v1/people", headers: [.authorization: "Bearer k2"])
            XCTAssertEqual(bearer.status, 200, bearer.text)
            let header = try await client.call(.get, "/v1/people", headers: [.init("X-API-Key")!: "k1"])
            XCTAssertEqual(header.status, 200, header.text)
            let health = try await client.call(.get, "/health")
            XCTAssertEqual(health.status, 200)
            let doc = try await client.call(.get, "/openapi.json")
            XCTAssertNotNil((doc.json?["components"] as? [String: Any])?["securitySchemes"])
        }
    }

    func testHealthAndPage() async throws {
        try await ServerFixture.withRouter(try await ServerFixture.server()) { client in
            let health = try await client.call(.get, "/health")
            XCTAssertEqual(health.status, 200)
            XCTAssertEqual(health.json?["status"] as? String, "ok")
            XCTAssertEqual(health.json?["people"] as? Int, 0)
            XCTAssertEqual(health.json?["model"] as? String, "dlib-resnet/p1/128d")
            let page = try await client.call(.get, "/")
            XCTAssertEqual(page.status, 200)
            XCTAssertTrue(page.text.contains("<input id=\"file\" type=\"file\""))
            XCTAssertTrue(page.text.contains("/v1/identify"))
        }
    }

    /// Every route the router serves is in /openapi.json with the same method, and nothing else is.
    func testOpenAPIDocumentMatchesTheRouter() async throws {
        let server = try await ServerFixture.server()
        let routed = Set(server.makeRouter().routes.map { "\($0.method.rawValue) \($0.path.description)" })
        XCTAssertEqual(routed.count, RouteSpec.all.count)
        let served = try await fetchDocument(server)
        XCTAssertEqual(served["openapi"] as? String, "3.0.3")
        let paths = try XCTUnwrap(served["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        XCTAssertEqual(routed, documented)
        // Every schema reference resolves, and path parameters are declared.
        let schemas = try XCTUnwrap((served["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let text = String(decoding: try JSONSerialization.data(withJSONObject: served), as: UTF8.self)
        let refs = text.components(separatedBy: "#\\/components\\/schemas\\/").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertFalse(refs.isEmpty)
        for ref in refs { XCTAssertNotNil(schemas[String(ref)], "unresolved $ref \(ref)") }
        let enrol = try XCTUnwrap(paths["/v1/people/{id}/faces/{faceId}"]?["delete"] as? [String: Any])
        XCTAssertEqual((enrol["parameters"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["id", "faceId"])
    }

    private func fetchDocument(_ server: VisageServer) async throws -> [String: Any] {
        final class Box: @unchecked Sendable { var value: [String: Any] = [:] }
        let box = Box()
        try await ServerFixture.withRouter(server) { client in
            let doc = try await client.call(.get, "/openapi.json")
            XCTAssertEqual(doc.status, 200)
            box.value = doc.json ?? [:]
        }
        return box.value
    }
}
