import Foundation
import VisageServer
import XCTest

/// Many requests in flight at once on one server: the shared pipeline, the inference pool, the
/// gallery and the identifier's index (the ThreadSanitizer run includes this suite).
final class ConcurrentRequestTests: XCTestCase {
    func testConcurrentRequestsGetTheirOwnAnswers() async throws {
        let photo = try ServerFixture.lfw("Tony_Blair", 1)
        let grey = try ServerFixture.greyPNG(width: 96, height: 64)
        // A generous request timeout: this checks that concurrent answers are right, not how fast
        // they come, and under ThreadSanitizer (debug, instrumented) a detection takes seconds.
        let server = try await ServerFixture.server(ServerConfiguration(requestTimeout: 600, workers: 2))
        try await ServerFixture.withRouter(server) { client in
            try await withThrowingTaskGroup(of: (String, Int, [String: Any]?).self) { group in
                for i in 0..<4 {
                    group.addTask {
                        let r = try await client.call(.post, "/v1/detect", body: photo, contentType: "image/jpeg")
                        return ("photo", r.status, r.json)
                    }
                    group.addTask {
                        let r = try await client.call(.post, "/v1/identify", body: grey, contentType: "image/png")
                        return ("grey", r.status, r.json)
                    }
                    group.addTask {
                        let r = try await client.callJSON(.post, "/v1/people", ["name": "Person \(i)"])
                        return ("person", r.status, r.json)
                    }
                    group.addTask {
                        let r = try await client.call(.get, "/health")
                        return ("health", r.status, r.json)
                    }
                }
                var seen: [String: Int] = [:]
                for try await (kind, status, json) in group {
                    seen[kind, default: 0] += 1
                    switch kind {
                    case "photo":
                        XCTAssertEqual(status, 200)
                        XCTAssertEqual((json?["faces"] as? [Any])?.count, 1)
                    case "grey":
                        XCTAssertEqual(status, 200)
                        XCTAssertEqual((json?["faces"] as? [Any])?.count, 0)
                    case "person":
                        XCTAssertEqual(status, 201)
                    default:
                        XCTAssertEqual(status, 200)
                        XCTAssertEqual(json?["status"] as? String, "ok")
                    }
                }
                XCTAssertEqual(seen, ["photo": 4, "grey": 4, "person": 4, "health": 4])
            }
            let people = try await client.call(.get, "/v1/people")
            XCTAssertEqual((people.json?["people"] as? [Any])?.count, 4)
        }
    }
}
