import Foundation
import VisageServer
import XCTest

/// Request bodies that once crashed the server's decoding (found while writing and running
/// `Fuzz/Sources/fuzz-server-request`): each must now give a typed error or a value.
final class FuzzRegressionTests: XCTestCase {
    /// A multipart part with no header lines (the blank line right after the delimiter line)
    /// made the parser build a reversed range and trap, killing the server process.
    func testMultipartPartWithoutHeadersIsABadRequest() {
        for body in ["--x\r\n\r\nA\r\n--x--\r\n", "--x\r\n\r\n\r\n--x--", "--x\r\n\r\n"] {
            XCTAssertThrowsError(try RequestDecoding.form(body: Array(body.utf8), contentType: "multipart/form-data; boundary=x"),
                                 body.debugDescription) { error in
                XCTAssertEqual((error as? ServerError)?.code, "bad_request", "\(body.debugDescription): \(error)")
            }
        }
        // Headers are optional; a later part with a name is still read.
        let body = Array("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--".utf8)
        XCTAssertEqual(try RequestDecoding.form(body: body, contentType: "multipart/form-data; boundary=x").fields["a"], "1")
    }
}
