import Foundation
import Hummingbird
import VisageServer
import VisageTestSupport
import XCTest

/// `/v1/detect`, `/v1/embed`, `/v1/compare` and the image error codes, through the router.
final class ImageEndpointTests: XCTestCase {
    func testDetectAcceptsRawMultipartAndBase64JSON() async throws {
        let photo = try ServerFixture.lfw("Tony_Blair", 1)
        try await ServerFixture.withRouter(try await ServerFixture.server()) { client in
            let raw = try await client.call(.post, "/v1/detect", body: photo, contentType: "image/jpeg")
            XCTAssertEqual(raw.status, 200, raw.text)
            XCTAssertEqual(raw.json?["width"] as? Int, 250)
            let faces = try XCTUnwrap(raw.json?["faces"] as? [[String: Any]])
            XCTAssertEqual(faces.count, 1)
            let box = try XCTUnwrap(faces[0]["box"] as? [String: Double])
            // LFW deep-funneled faces sit in the middle of the 250×250 frame.
            XCTAssertTrue((60...190).contains(((box["left"] ?? 0) + (box["right"] ?? 0)) / 2), "\(box)")
            XCTAssertEqual((faces[0]["landmarks"] as? [[Int]])?.count, 5)

            var form = MultipartBody()
            form.add(file: "image", photo)
            let multipart = try await client.call(.post, "/v1/detect", body: form.finished(), contentType: form.contentType)
            XCTAssertEqual(multipart.status, 200, multipart.text)
            XCTAssertEqual((multipart.json?["faces"] as? [Any])?.count, 1)

            let json = try await client.callJSON(.post, "/v1/detect", ["image": Data(photo).base64EncodedString()])
            XCTAssertEqual(json.status, 200, json.text)
            XCTAssertEqual((json.json?["faces"] as? [Any])?.count, 1)
        }
    }

    func testEmbedAndCompare() async throws {
        let blair1 = try ServerFixture.lfw("Tony_Blair", 1), blair2 = try ServerFixture.lfw("Tony_Blair", 2)
        let putin = try ServerFixture.lfw("Vladimir_Putin", 1)
        try await ServerFixture.withRouter(try await ServerFixture.server()) { client in
            let embed = try await client.call(.post, "/v1/embed", body: blair1, contentType: "image/jpeg")
            XCTAssertEqual(embed.status, 200, embed.text)
            let face = try XCTUnwrap((embed.json?["faces"] as? [[String: Any]])?.first)
            XCTAssertEqual((face["embedding"] as? [Double])?.count, 128)
            XCTAssertEqual(embed.json?["model"] as? String, "dlib-resnet/p1/128d")

            var same = MultipartBody()
            same.add(file: "first", blair1)
            same.add(file: "second", blair2)
            let match = try await client.call(.post, "/v1/compare", body: same.finished(), contentType: same.contentType)
            XCTAssertEqual(match.status, 200, match.text)
            XCTAssertEqual(match.json?["match"] as? Bool, true, match.text)

            let other = try await client.callJSON(.post, "/v1/compare", ["first": Data(blair1).base64EncodedString(),
                                                                         "second": Data(putin).base64EncodedString()])
            XCTAssertEqual(other.status, 200, other.text)
            XCTAssertEqual(other.json?["match"] as? Bool, false, other.text)
            let d1 = try XCTUnwrap(match.json?["distance"] as? Double), d2 = try XCTUnwrap(other.json?["distance"] as? Double)
            XCTAssertLessThan(d1, d2)

            let missing = try await client.callJSON(.post, "/v1/compare", ["first": Data(blair1).base64EncodedString()])
            XCTAssertEqual(missing.status, 400)
            XCTAssertEqual(errorCode(missing.json), "missing_image")
        }
    }

    func testImageErrorCodes() async throws {
        let photo = try ServerFixture.lfw("Tony_Blair", 1)
        let config = ServerConfiguration(maxBodyBytes: 200_000, maxPixels: 10_000)
        try await ServerFixture.withRouter(try await ServerFixture.server(config)) { client in
            let empty = try await client.call(.post, "/v1/detect")
            XCTAssertEqual(empty.status, 400)
            XCTAssertEqual(errorCode(empty.json), "missing_image")

            let garbage = try await client.call(.post, "/v1/detect", body: Array("not an image".utf8), contentType: "image/jpeg")
            XCTAssertEqual(garbage.status, 400)
            XCTAssertEqual(errorCode(garbage.json), "invalid_image")

            let truncated = try await client.call(.post, "/v1/detect", body: Array(photo.prefix(500)), contentType: "image/jpeg")
            XCTAssertEqual(truncated.status, 400)
            XCTAssertEqual(errorCode(truncated.json), "invalid_image")

            let text = try await client.call(.post, "/v1/detect", body: photo, contentType: "text/plain")
            XCTAssertEqual(text.status, 415)
            XCTAssertEqual(errorCode(text.json), "unsupported_media_type")

            let tooBig = try await client.call(.post, "/v1/detect", body: [UInt8](repeating: 0xFF, count: 300_000),
                                               contentType: "image/jpeg")
            XCTAssertEqual(tooBig.status, 413)
            XCTAssertEqual(errorCode(tooBig.json), "body_too_large")

            // 250 × 250 = 62,500 pixels > 10,000.
            let manyPixels = try await client.call(.post, "/v1/detect", body: photo, contentType: "image/jpeg")
            XCTAssertEqual(manyPixels.status, 422)
            XCTAssertEqual(errorCode(manyPixels.json), "image_too_large")

            let badJSON = try await client.call(.post, "/v1/detect", body: Array("{".utf8), contentType: "application/json")
            XCTAssertEqual(badJSON.status, 400)
            XCTAssertEqual(errorCode(badJSON.json), "invalid_json")

            let badMultipart = try await client.call(.post, "/v1/detect", body: Array("--x\r\n".utf8),
                                                     contentType: "multipart/form-data; boundary=x")
            XCTAssertEqual(badMultipart.status, 400)
            XCTAssertEqual(errorCode(badMultipart.json), "bad_request")
        }
    }

    func testTimeoutAnswersWithJSON() async throws {
        let photo = try ServerFixture.lfw("Tony_Blair", 1)
        let config = ServerConfiguration(requestTimeout: 0.001)
        try await ServerFixture.withRouter(try await ServerFixture.server(config)) { client in
            let slow = try await client.call(.post, "/v1/embed", body: photo, contentType: "image/jpeg")
            XCTAssertEqual(slow.status, 503)
            XCTAssertEqual(errorCode(slow.json), "timeout")
        }
    }

    func testInferencePoolRefusesWorkBeyondItsCapacity() async throws {
        let pool = InferencePool(workers: 1, maxQueued: 0)
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { started.signal(); release.wait(); return 1 } }
        started.wait()
        do {
            _ = try await pool.run { 2 }
            XCTFail("a full pool accepted a job")
        } catch let error as ServerError {
            XCTAssertEqual(error, .overloaded)
            XCTAssertEqual(error.status.code, 503)
        }
        release.signal()
        let first = try await blocker.value
        XCTAssertEqual(first, 1)
        let afterwards = try await pool.run { 3 }
        XCTAssertEqual(afterwards, 3)
        try await pool.shutdown()
    }
}
