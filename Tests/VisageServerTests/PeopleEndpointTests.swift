import Foundation
import Hummingbird
import VisagePostgres
import VisageServer
import VisageStore
import VisageTestSupport
import XCTest

/// People CRUD and its error codes, through the router.
final class PeopleEndpointTests: XCTestCase {
    func testPeopleLifecycleOnSQLite() async throws {
        try await Self.lifecycle(try await ServerFixture.server())
    }

    func testPeopleLifecycleOnPostgreSQL() async throws {
        let gallery = try await ServerFixture.postgresGallery(for: try ServerFixture.pipeline())
        do {
            try await Self.lifecycle(try await ServerFixture.server(gallery: gallery))
        } catch {
            await gallery.close()
            throw error
        }
        await gallery.close()
    }

    /// Create, list, read, rename, delete and every error code of `/v1/people`, on any gallery.
    static func lifecycle(_ server: VisageServer) async throws {
        try await ServerFixture.withRouter(server) { client in
            let created = try await client.callJSON(.post, "/v1/people", ["name": "Ada", "metadata": ["team": "x"]])
            XCTAssertEqual(created.status, 201, created.text)
            let id = try XCTUnwrap(created.json?["id"] as? Int)
            XCTAssertEqual(created.json?["name"] as? String, "Ada")
            XCTAssertEqual(created.json?["faceCount"] as? Int, 0)
            XCTAssertEqual((created.json?["metadata"] as? [String: String])?["team"], "x")

            let duplicate = try await client.callJSON(.post, "/v1/people", ["name": "Ada"])
            XCTAssertEqual(duplicate.status, 409)
            XCTAssertEqual(errorCode(duplicate.json), "duplicate_name")

            let blank = try await client.callJSON(.post, "/v1/people", ["name": "   "])
            XCTAssertEqual(blank.status, 422)
            XCTAssertEqual(errorCode(blank.json), "invalid_name")

            let noName = try await client.callJSON(.post, "/v1/people", ["metadata": [String: String]()])
            XCTAssertEqual(noName.status, 400)
            XCTAssertEqual(errorCode(noName.json), "invalid_json")

            _ = try await client.callJSON(.post, "/v1/people", ["name": "Bob"])
            let list = try await client.call(.get, "/v1/people")
            XCTAssertEqual(list.status, 200)
            XCTAssertEqual((list.json?["people"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["Ada", "Bob"])

            let one = try await client.call(.get, "/v1/people/\(id)")
            XCTAssertEqual(one.status, 200, one.text)
            XCTAssertEqual((one.json?["person"] as? [String: Any])?["name"] as? String, "Ada")
            XCTAssertEqual((one.json?["faces"] as? [Any])?.count, 0)

            let renamed = try await client.callJSON(.patch, "/v1/people/\(id)", ["name": "Ada L.", "metadata": ["team": "y"]])
            XCTAssertEqual(renamed.status, 200, renamed.text)
            XCTAssertEqual(renamed.json?["name"] as? String, "Ada L.")
            XCTAssertEqual((renamed.json?["metadata"] as? [String: String])?["team"], "y")

            let clash = try await client.callJSON(.patch, "/v1/people/\(id)", ["name": "Bob"])
            XCTAssertEqual(clash.status, 409)
            XCTAssertEqual(errorCode(clash.json), "duplicate_name")

            let deleted = try await client.call(.delete, "/v1/people/\(id)")
            XCTAssertEqual(deleted.status, 204)
            let gone = try await client.call(.get, "/v1/people/\(id)")
            XCTAssertEqual(gone.status, 404)
            XCTAssertEqual(errorCode(gone.json), "person_not_found")
            let goneDelete = try await client.call(.delete, "/v1/people/\(id)")
            XCTAssertEqual(errorCode(goneDelete.json), "person_not_found")

            let badID = try await client.call(.get, "/v1/people/abc")
            XCTAssertEqual(badID.status, 400)
            XCTAssertEqual(errorCode(badID.json), "bad_request")

            let noFace = try await client.call(.delete, "/v1/people/\(id + 1)/faces/999")
            XCTAssertEqual(noFace.status, 404)
            XCTAssertEqual(errorCode(noFace.json), "face_not_found")

            let badBody = try await client.call(.post, "/v1/people", body: Array("[1,2]".utf8), contentType: "application/json")
            XCTAssertEqual(badBody.status, 400)
            XCTAssertEqual(errorCode(badBody.json), "invalid_json")
        }
    }

    func testWrongMethodIsJSON405() async throws {
        try await ServerFixture.withRouter(try await ServerFixture.server()) { client in
            let wrong = try await client.call(.put, "/v1/people")
            XCTAssertEqual(wrong.status, 405, wrong.text)
            XCTAssertEqual(errorCode(wrong.json), "method_not_allowed")
            XCTAssertEqual(wrong.headers["Allow"], "POST, GET")
            let wrongItem = try await client.call(.post, "/v1/people/7")
            XCTAssertEqual(wrongItem.status, 405, wrongItem.text)
            XCTAssertEqual(wrongItem.headers["Allow"], "GET, PATCH, DELETE")
            let missing = try await client.call(.put, "/v1/people/7/nothing")
            XCTAssertEqual(missing.status, 404, missing.text)
            XCTAssertEqual(errorCode(missing.json), "not_found")
        }
    }

    /// An error the server does not expect is logged and answered `500 internal_error`, with no
    /// details of the fault in the message; the server keeps serving.
    func testUnexpectedGalleryFaultIsJSON500() async throws {
        let pipeline = try ServerFixture.pipeline()
        let gallery = FailingGallery(try ServerFixture.sqliteGallery(for: pipeline))
        try await ServerFixture.withRouter(try await ServerFixture.server(gallery: gallery)) { client in
            let list = try await client.call(.get, "/v1/people")
            XCTAssertEqual(list.status, 500, list.text)
            XCTAssertEqual(errorCode(list.json), "internal_error")
            XCTAssertFalse(list.text.contains("UnexpectedFault"), list.text)
            let created = try await client.callJSON(.post, "/v1/people", ["name": "Ada"])
            XCTAssertEqual(created.status, 201, created.text)
        }
    }

    func testUnknownRouteIsJSON404() async throws {
        try await ServerFixture.withRouter(try await ServerFixture.server()) { client in
            let missing = try await client.call(.get, "/v1/nothing-here")
            XCTAssertEqual(missing.status, 404)
            XCTAssertEqual(errorCode(missing.json), "not_found")
        }
    }
}
