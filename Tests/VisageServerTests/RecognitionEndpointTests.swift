import Foundation
import Hummingbird
import VisagePostgres
import VisageServer
import VisageStore
import VisageTestSupport
import XCTest

/// Enrol, verify, identify and face deletion through the router, on any gallery.
final class RecognitionEndpointTests: XCTestCase {
    func testEnrolVerifyIdentifyDeleteOnSQLite() async throws {
        let pipeline = try ServerFixture.pipeline()
        try await Self.exercise(ServerFixture.sqliteGallery(for: pipeline))
    }

    func testEnrolVerifyIdentifyDeleteOnPostgreSQL() async throws {
        let gallery = try await ServerFixture.postgresGallery(for: try ServerFixture.pipeline())
        do {
            try await Self.exercise(gallery)
        } catch {
            await gallery.close()
            throw error
        }
        await gallery.close()
    }

    /// A PostgreSQL gallery that stops answering gives `503 gallery_unavailable`, not a 500.
    func testClosedPostgreSQLGalleryIsUnavailable() async throws {
        let gallery = try await ServerFixture.postgresGallery(for: try ServerFixture.pipeline())
        let server = try await ServerFixture.server(gallery: gallery)
        await gallery.close()
        try await ServerFixture.withRouter(server) { client in
            let list = try await client.call(.get, "/v1/people")
            XCTAssertEqual(list.status, 503, list.text)
            XCTAssertEqual(errorCode(list.json), "gallery_unavailable")
            let created = try await client.callJSON(.post, "/v1/people", ["name": "Ada"])
            XCTAssertEqual(created.status, 503, created.text)
            XCTAssertEqual(errorCode(created.json), "gallery_unavailable")
        }
    }

    /// The scenario every gallery backend must pass.
    static func exercise(_ gallery: any GalleryStore) async throws {
        let blair1 = try ServerFixture.lfw("Tony_Blair", 1), blair2 = try ServerFixture.lfw("Tony_Blair", 2)
        let putin = try ServerFixture.lfw("Vladimir_Putin", 1)
        let server = try await ServerFixture.server(gallery: gallery)
        try await ServerFixture.withRouter(server) { client in
            let created = try await client.callJSON(.post, "/v1/people", ["name": "Tony Blair"])
            let id = try XCTUnwrap(created.json?["id"] as? Int, created.text)

            // Enrol: multipart with the image, then a duplicate of the same file (gate's reason code).
            var form = MultipartBody()
            form.add(file: "image", blair1)
            let enrolled = try await client.call(.post, "/v1/people/\(id)/faces", body: form.finished(), contentType: form.contentType)
            XCTAssertEqual(enrolled.status, 201, enrolled.text)
            let face = try XCTUnwrap(enrolled.json?["face"] as? [String: Any])
            let faceID = try XCTUnwrap(face["id"] as? Int)
            XCTAssertEqual((enrolled.json?["person"] as? [String: Any])?["faceCount"] as? Int, 1)
            XCTAssertEqual(face["hasCrop"] as? Bool, false, "crops are not kept unless asked for")

            let again = try await client.call(.post, "/v1/people/\(id)/faces", body: blair1, contentType: "image/jpeg")
            XCTAssertEqual(again.status, 422)
            XCTAssertEqual(errorCode(again.json), "duplicate_image")

            let blank = try await client.call(.post, "/v1/people/\(id)/faces", body: try ServerFixture.greyPNG(width: 120, height: 120),
                                              contentType: "image/png")
            XCTAssertEqual(blank.status, 422, blank.text)
            XCTAssertEqual(errorCode(blank.json), "no_face")

            let outOfRange = try await client.callJSON(.post, "/v1/people/\(id)/faces",
                                                       ["image": Data(blair2).base64EncodedString(), "face": 3])
            XCTAssertEqual(outOfRange.status, 422)
            XCTAssertEqual(errorCode(outOfRange.json), "face_index_out_of_range")

            let unknownPerson = try await client.call(.post, "/v1/people/\(id + 100)/faces", body: blair2, contentType: "image/jpeg")
            XCTAssertEqual(unknownPerson.status, 404)
            XCTAssertEqual(errorCode(unknownPerson.json), "person_not_found")

            // Identify: Blair's other photo is named, Putin's is not.
            let named = try await client.call(.post, "/v1/identify", body: blair2, contentType: "image/jpeg")
            XCTAssertEqual(named.status, 200, named.text)
            XCTAssertEqual(named.json?["threshold"] as? Double, 0.6, "one person: the 1:1 threshold")
            let namedFace = try XCTUnwrap((named.json?["faces"] as? [[String: Any]])?.first)
            XCTAssertEqual((namedFace["person"] as? [String: Any])?["name"] as? String, "Tony Blair", named.text)
            XCTAssertEqual((namedFace["person"] as? [String: Any])?["id"] as? Int, id)
            let stranger = try await client.call(.post, "/v1/identify", body: putin, contentType: "image/jpeg")
            let strangerFace = try XCTUnwrap((stranger.json?["faces"] as? [[String: Any]])?.first, stranger.text)
            XCTAssertNil(strangerFace["person"], stranger.text)
            XCTAssertEqual((strangerFace["candidates"] as? [Any])?.count, 1)

            // Verify (multipart with a text field).
            var claim = MultipartBody()
            claim.add(file: "image", blair2)
            claim.add(field: "name", "Tony Blair")
            let yes = try await client.call(.post, "/v1/verify", body: claim.finished(), contentType: claim.contentType)
            XCTAssertEqual(yes.status, 200, yes.text)
            XCTAssertEqual(yes.json?["match"] as? Bool, true, yes.text)
            let no = try await client.callJSON(.post, "/v1/verify", ["image": Data(putin).base64EncodedString(), "name": "Tony Blair"])
            XCTAssertEqual(no.json?["match"] as? Bool, false, no.text)
            let nobody = try await client.callJSON(.post, "/v1/verify", ["image": Data(putin).base64EncodedString(), "name": "Nobody"])
            XCTAssertEqual(nobody.status, 404)
            XCTAssertEqual(errorCode(nobody.json), "person_not_found")
            let unnamed = try await client.call(.post, "/v1/verify", body: putin, contentType: "image/jpeg")
            XCTAssertEqual(unnamed.status, 400)
            XCTAssertEqual(errorCode(unnamed.json), "bad_request")

            // Delete the face: Blair is unknown again.
            let wrongOwner = try await client.callJSON(.post, "/v1/people", ["name": "Other"])
            let otherID = try XCTUnwrap(wrongOwner.json?["id"] as? Int)
            let notTheirs = try await client.call(.delete, "/v1/people/\(otherID)/faces/\(faceID)")
            XCTAssertEqual(notTheirs.status, 404)
            XCTAssertEqual(errorCode(notTheirs.json), "face_not_found")
            let removed = try await client.call(.delete, "/v1/people/\(id)/faces/\(faceID)")
            XCTAssertEqual(removed.status, 204)
            let after = try await client.call(.post, "/v1/identify", body: blair2, contentType: "image/jpeg")
            let afterFace = try XCTUnwrap((after.json?["faces"] as? [[String: Any]])?.first, after.text)
            XCTAssertNil(afterFace["person"], after.text)
        }
    }
}
