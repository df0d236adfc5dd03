import Foundation

/// A minimal `multipart/form-data` reader (RFC 7578): named parts with their bytes.
///
/// It works on a body already limited in size, copies each part once, and rejects anything
/// malformed with ``ServerError/badRequest(reason:)``.
struct MultipartForm {
    /// One part: its form field name, optional file name and content type, and bytes.
    struct Part {
        var name: String
        var filename: String?
        var contentType: String?
        var body: [UInt8]
    }

    /// The parts in order.
    var parts: [Part]

    /// The first part with this field name.
    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary parameter of a `multipart/form-data` content type, or `nil`.
    static func boundary(fromContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.isEmpty || value.utf8.count > 70 ? nil : value
        }
        return nil
    }

    /// Parses a body.
    /// - Throws: ``ServerError/badRequest(reason:)`` when the body is not well-formed multipart.
    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard var position = Self.find(delimiter, in: body, from: 0) else {
            throw ServerError.badRequest(reason: "multipart body has no boundary line")
        }
        var parts: [Part] = []
        while true {
            position += delimiter.count
            // "--" after the delimiter ends the body.
            if position + 1 < body.count, body[position] == 45, body[position + 1] == 45 { break }
            guard let headerStart = Self.find(crlf, in: body, from: position) else {
                throw ServerError.badRequest(reason: "multipart part is truncated")
            }
            guard let headerEnd = Self.find(crlf + crlf, in: body, from: headerStart) else {
                throw ServerError.badRequest(reason: "multipart part has no end of headers")
            }
            // A part without headers has the blank line right after the delimiter line: then
            // headerEnd == headerStart (found by fuzz-server-request; it used to trap here).
            let headerText = headerEnd > headerStart
                ? String(decoding: body[(headerStart + 2)..<headerEnd], as: UTF8.self) : ""
            let contentStart = headerEnd + 4
            guard let next = Self.find(crlf + delimiter, in: body, from: contentStart) else {
                throw ServerError.badRequest(reason: "multipart part has no closing boundary")
            }
            var part = Part(name: "", filename: nil, contentType: nil, body: Array(body[contentStart..<next]))
            for line in headerText.components(separatedBy: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let field = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                if field == "content-type" { part.contentType = value }
                if field == "content-disposition" {
                    part.name = Self.parameter("name", in: value) ?? ""
                    part.filename = Self.parameter("filename", in: value)
                }
            }
            guard !part.name.isEmpty else { throw ServerError.badRequest(reason: "multipart part without a field name") }
            parts.append(part)
            position = next + 2
        }
        self.parts = parts
    }

    private static func parameter(_ name: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == name else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                let first = n[0], last = haystack.count - n.count
                var i = start
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}
