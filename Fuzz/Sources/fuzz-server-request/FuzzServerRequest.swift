import Foundation
import FuzzSupport
import VisageImage
import VisageServer

// The server's request decoding, through the same functions the routes call
// (VisageServer.RequestDecoding): Content-Type dispatch, multipart/form-data, JSON with base64
// images, raw bodies, the field accessors, the people JSON body, the API-key headers, and the
// image decoder with the server's limits. Every input must end in a value or a ServerError.
//
// An input is `CONTENT-TYPE \n AUTHORIZATION \n BODY`: the first line is the Content-Type
// header, the second the Authorization header (or, when it does not start with "Bearer ", the
// X-API-Key header; empty means none), the rest the body.

private let limits = DecodeLimits(maxPixels: 1 << 20, maxFileBytes: 1 << 20,
                                  maxPNGChunkBytes: 1 << 20, maxPNGChunkCacheBytes: 1 << 20)
private let keys = APIKeySet(keys: ["fuzz-key"])

/// Checks that an error is an API error with a code, a status and a message.
private func checkTyped(_ error: Error) {
    guard let error = error as? ServerError else { preconditionFailure("untyped error \(error)") }
    precondition(!error.code.isEmpty && !error.description.isEmpty && error.status.code >= 400)
}

/// Splits an input into its first two lines and the rest.
private func split(_ input: [UInt8]) -> (contentType: String?, authorization: String?, body: [UInt8]) {
    guard let first = input.firstIndex(of: 10) else { return (String(decoding: input, as: UTF8.self), nil, []) }
    let rest = input[(first + 1)...]
    let contentType = first == 0 ? nil : String(decoding: input[..<first], as: UTF8.self)
    guard let second = rest.firstIndex(of: 10) else { return (contentType, String(decoding: rest, as: UTF8.self), []) }
    let authorization = second == rest.startIndex ? nil : String(decoding: rest[..<second], as: UTF8.self)
    return (contentType, authorization, Array(rest[(second + 1)...]))
}

private let callback: FuzzCallback = { start, count in
    let (contentType, header, body) = split(Array(fuzzBytes(start, count)))

    // The API key: Bearer first, else X-API-Key; only the configured key is accepted.
    let isBearer = header?.lowercased().hasPrefix("bearer ") ?? false
    if let key = RequestDecoding.presentedKey(authorization: isBearer ? header : nil,
                                              apiKeyHeader: isBearer ? nil : header) {
        precondition(keys.accepts(key) == (key == "fuzz-key"))
    }

    // The image endpoints' form: one image, or `first` and `second` (compare).
    let imageFields: Set<String> = count % 2 == 0 ? ["image"] : ["first", "second"]
    do {
        let form = try RequestDecoding.form(body: body, contentType: contentType, query: ["top": "3"],
                                            imageFields: imageFields)
        precondition(form.images.values.reduce(0) { $0 + $1.count } <= body.count)
        for field in form.fields.keys {
            do { _ = try form.integer(field) } catch { checkTyped(error) }
            do { _ = try form.flag(field) } catch { checkTyped(error) }
            do { _ = try form.number(field) } catch { checkTyped(error) }
        }
        for field in form.images.keys.sorted() {
            do {
                let image = try RequestDecoding.image(try form.image(field), limits: limits)
                precondition(image.pixels.count == image.width * image.height * image.channels)
                precondition(image.width * image.height <= limits.maxPixels)
            } catch {
                checkTyped(error)
            }
        }
    } catch {
        checkTyped(error)
    }

    // The people endpoints' JSON body.
    do { _ = try RequestDecoding.person(body: body) } catch { checkTyped(error) }
    return 0
}

/// Seeds: valid requests of every kind the routes read, and a few broken ones.
private func seeds() throws -> [(String, [UInt8])] {
    var pixels: [UInt8] = []
    for y in 0..<6 { for x in 0..<8 { pixels += [UInt8(x * 30), UInt8(y * 40), UInt8((x ^ y) * 20)] } }
    let png = try Image(width: 8, height: 6, format: .rgb, pixels: pixels).encoded(as: .png())
    let jpeg = try Image(width: 8, height: 6, format: .rgb, pixels: pixels).encoded(as: .jpeg(JPEGEncodeOptions(quality: 70)))
    let b64 = Data(png).base64EncodedString()

    func request(_ contentType: String, _ authorization: String = "", _ body: [UInt8]) -> [UInt8] {
        Array("\(contentType)\n\(authorization)\n".utf8) + body
    }
    func multipart(_ boundary: String, _ parts: [(header: String, body: [UInt8])], close: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        for part in parts { out += Array("--\(boundary)\r\n\(part.header)\r\n\r\n".utf8) + part.body + Array("\r\n".utf8) }
        out += Array((close ? "--\(boundary)--\r\n" : "--\(boundary)").utf8)
        return out
    }
    let imagePart = (header: "Content-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png", body: png)
    let namePart = (header: "Content-Disposition: form-data; name=\"name\"", body: Array("Ada".utf8))
    let facePart = (header: "content-disposition: form-data; name=face", body: Array("1".utf8))
    let firstPart = (header: "Content-Disposition: form-data; name=\"first\"", body: png)
    let secondPart = (header: "Content-Disposition: form-data; name=\"second\"; filename=\"b.jpg\"", body: jpeg)
    let mp = "multipart/form-data; boundary=XyZ"

    return [
        ("multipart-image.req", request(mp, "Bearer fuzz-key", multipart("XyZ", [imagePart, namePart, facePart]))),
        ("multipart-two.req", request(mp, "", multipart("XyZ", [firstPart, secondPart]))),
        ("multipart-quoted.req", request("multipart/form-data; charset=utf-8; boundary=\"a b\"", "x-key",
                                         multipart("a b", [imagePart]))),
        ("multipart-unclosed.req", request(mp, "", multipart("XyZ", [imagePart], close: false))),
        ("multipart-no-headers.req", request(mp, "", Array("--XyZ\r\n\r\nA\r\n--XyZ--\r\n".utf8))),
        ("multipart-no-name.req", request(mp, "", multipart("XyZ", [(header: "Content-Type: text/plain", body: [65])]))),
        ("multipart-wrong-boundary.req", request("multipart/form-data; boundary=Other", "", multipart("XyZ", [namePart]))),
        ("multipart-no-boundary.req", request("multipart/form-data", "", multipart("XyZ", [namePart]))),
        ("multipart-truncated.req", request(mp, "", Array(multipart("XyZ", [imagePart, namePart]).prefix(90)))),
        ("json-image.req", request("application/json", "Bearer  fuzz-key ",
                                   Array("{\"image\":\"\(b64)\",\"name\":\"Ada\",\"top\":3,\"keepCrop\":true}".utf8))),
        ("json-data-url.req", request("application/json; charset=utf-8", "",
                                      Array("{\"first\":\"data:image/png;base64,\(b64)\",\"second\":\"\(b64)\",\"threshold\":0.6}".utf8))),
        ("json-bad-base64.req", request("application/json", "", Array("{\"image\":\"@@@not base64\",\"face\":\"x\"}".utf8))),
        ("json-not-object.req", request("application/json", "", Array("[1,2,{\"image\":null}]".utf8))),
        ("json-person.req", request("application/json", "", Array("{\"name\":\"Ada\",\"metadata\":{\"team\":\"x\"}}".utf8))),
        ("json-person-bad.req", request("application/json", "", Array("{\"name\":5,\"metadata\":[]}".utf8))),
        ("raw-png.req", request("image/png", "", png)),
        ("raw-jpeg.req", request("image/jpeg", "Bearer wrong", jpeg)),
        ("raw-octets.req", request("application/octet-stream", "", png)),
        ("raw-untyped.req", request("", "", jpeg)),
        ("unsupported.req", request("text/plain", "", Array("hello".utf8))),
        ("empty-body.req", request("image/png", "", [])),
    ]
}

@_cdecl("fuzz_server_request_main")
func fuzzServerRequestMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    fuzzMain(argc, argv, seeds: seeds, callback: callback)
}
