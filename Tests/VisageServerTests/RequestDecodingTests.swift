import Foundation
import VisageImage
import VisageServer
import XCTest

/// The request decoding the routes use, without a server (`RequestDecoding`).
final class RequestDecodingTests: XCTestCase {
    private func png() throws -> [UInt8] {
        try Image(width: 4, height: 3, format: .gray, fill: 90).encoded(as: .png())
    }

    func testMultipartGivesImagesAndFields() throws {
        let image = try png()
        var body = MultipartBody()
        body.add(file: "image", image, type: "image/png")
        body.add(field: "name", "Ada")
        body.add(field: "face", " 2 ")
        let form = try RequestDecoding.form(body: body.finished(), contentType: body.contentType,
                                            query: ["top": "5", "name": "query"])
        XCTAssertEqual(try form.image(), image)
        XCTAssertEqual(form.fields["name"], "Ada", "the body overrides the query")
        XCTAssertEqual(try form.integer("face"), 2)
        XCTAssertEqual(try form.integer("top"), 5)
        XCTAssertEqual(try RequestDecoding.image(try form.image(), limits: DecodeLimits()).width, 4)
    }

    func testQuotedBoundaryAndFieldNamedAsImage() throws {
        let body = Array("--a b\r\nContent-Disposition: form-data; name=\"first\"\r\n\r\nAB\r\n--a b--\r\n".utf8)
        let form = try RequestDecoding.form(body: body, contentType: "Multipart/Form-Data; boundary=\"a b\"",
                                            imageFields: ["first", "second"])
        XCTAssertEqual(form.images["first"], Array("AB".utf8))
        XCTAssertThrowsError(try form.image("second")) { XCTAssertEqual($0 as? ServerError, .missingImage(field: "second")) }
    }

    func testMalformedMultipartIsABadRequest() {
        let cases: [(String, String)] = [
            ("multipart/form-data", "--x\r\n\r\nA\r\n--x--"),                 // no boundary parameter
            ("multipart/form-data; boundary=x", "no delimiter at all"),
            ("multipart/form-data; boundary=x", "--x\r\n"),                   // truncated
            ("multipart/form-data; boundary=x", "--x\r\nContent-Type: a\r\n\r\nA"),  // no closing boundary
            ("multipart/form-data; boundary=x", "--x\r\nContent-Type: a\r\n\r\nA\r\n--x--"),  // no name
        ]
        for (contentType, body) in cases {
            XCTAssertThrowsError(try RequestDecoding.form(body: Array(body.utf8), contentType: contentType), body) { error in
                XCTAssertEqual((error as? ServerError)?.code, "bad_request", "\(body): \(error)")
            }
        }
    }

    func testJSONWithBase64AndDataURL() throws {
        let image = try png()
        let body = Array("{\"first\":\"\(Data(image).base64EncodedString())\",\"second\":\"data:image/png;base64,\(Data(image).base64EncodedString())\",\"threshold\":0.5,\"keepCrop\":\"yes\"}".utf8)
        let form = try RequestDecoding.form(body: body, contentType: "application/json; charset=utf-8",
                                            imageFields: ["first", "second"])
        XCTAssertEqual(form.images["first"], image)
        XCTAssertEqual(form.images["second"], image)
        XCTAssertEqual(try form.number("threshold"), 0.5)
        XCTAssertEqual(try form.flag("keepCrop"), true)

        for bad in ["[1]", "{", "{\"image\":5}", "{\"image\":\"@@@\"}"] {
            XCTAssertThrowsError(try RequestDecoding.form(body: Array(bad.utf8), contentType: "application/json"), bad) {
                XCTAssertEqual(($0 as? ServerError)?.code, "invalid_json", bad)
            }
        }
    }

    func testRawBodiesAndMediaTypes() throws {
        let image = try png()
        for contentType in [nil, "", "image/png", "IMAGE/JPEG", "application/octet-stream"] {
            XCTAssertEqual(try RequestDecoding.form(body: image, contentType: contentType).images["image"], image)
        }
        XCTAssertEqual(try RequestDecoding.form(body: [], contentType: "text/plain", query: ["a": "b"]).fields, ["a": "b"])
        XCTAssertThrowsError(try RequestDecoding.form(body: image, contentType: "text/plain; charset=x")) {
            XCTAssertEqual($0 as? ServerError, .unsupportedMediaType("text/plain"))
        }
    }

    func testFieldAccessorsRejectMalformedValues() throws {
        let form = try RequestDecoding.form(body: [], contentType: nil, query: ["n": "x1", "f": "maybe", "d": "nan"])
        XCTAssertThrowsError(try form.integer("n")) { XCTAssertEqual(($0 as? ServerError)?.code, "bad_request") }
        XCTAssertThrowsError(try form.flag("f")) { XCTAssertEqual(($0 as? ServerError)?.code, "bad_request") }
        XCTAssertThrowsError(try form.number("d")) { XCTAssertEqual(($0 as? ServerError)?.code, "bad_request") }
        XCTAssertNil(try form.integer("absent"))
    }

    func testPersonBody() throws {
        XCTAssertEqual(try RequestDecoding.person(body: Array("{\"name\":\"Ada\",\"metadata\":{\"k\":\"v\"}}".utf8)),
                       PersonRequest(name: "Ada", metadata: ["k": "v"]))
        XCTAssertEqual(try RequestDecoding.person(body: Array("{}".utf8)), PersonRequest())
        for bad in ["", "{\"name\":5}", "{\"metadata\":[]}", "null"] {
            XCTAssertThrowsError(try RequestDecoding.person(body: Array(bad.utf8)), bad) {
                XCTAssertEqual(($0 as? ServerError)?.code, "invalid_json", bad)
            }
        }
    }

    func testImageLimitsMapToAPIErrors() throws {
        let image = try png()
        XCTAssertThrowsError(try RequestDecoding.image(image, limits: DecodeLimits(maxPixels: 11))) {
            XCTAssertEqual($0 as? ServerError, .imageTooLarge(width: 4, height: 3, limit: 11))
        }
        XCTAssertThrowsError(try RequestDecoding.image(Array("hello".utf8), limits: DecodeLimits())) {
            XCTAssertEqual(($0 as? ServerError)?.code, "invalid_image")
        }
    }

    func testPresentedKey() {
        XCTAssertEqual(RequestDecoding.presentedKey(authorization: "bEaReR  k1 ", apiKeyHeader: "k2"), "k1")
        XCTAssertEqual(RequestDecoding.presentedKey(authorization: "Basic abc", apiKeyHeader: "k2"), "k2")
        XCTAssertNil(RequestDecoding.presentedKey(authorization: nil, apiKeyHeader: nil))
        XCTAssertNil(RequestDecoding.presentedKey(authorization: "Bearer", apiKeyHeader: nil))
    }
}
