import Foundation

/// A fully validated import, built before anything is written.
struct ImportPlan {
    struct PlannedPerson {
        var line: Int
        var name: String
        var metadata: [String: String]
        var faces: [NewFace]
    }

    var people: [PlannedPerson] = []

    /// Parses and validates every line of `data` against `gallery`'s model.
    static func parse(_ data: Data, gallery: Gallery) throws -> ImportPlan {
        var plan = ImportPlan()
        var index: [String: Int] = [:]
        var sawHeader = false
        let decoder = JSONDecoder()
        var lineNumber = 0
        for slice in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let bytes = slice.last == 0x0D ? slice.dropLast() : slice
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let line: TransferLine
            do { line = try decoder.decode(TransferLine.self, from: Data(bytes)) } catch {
                throw GalleryError.invalidImport(line: lineNumber, reason: "not a gallery JSON object (\(Self.describe(error)))")
            }
            func fail(_ reason: String) -> GalleryError { .invalidImport(line: lineNumber, reason: reason) }
            switch line.kind {
            case .header:
                guard !sawHeader else { throw fail("a second header") }
                guard line.format == TransferLine.format, line.version == TransferLine.version else {
                    throw fail("unsupported format \(line.format ?? "?") version \(line.version.map(String.init) ?? "?")")
                }
                guard let model = line.model else { throw fail("the header has no model") }
                guard model == gallery.model else {
                    throw GalleryError.modelMismatch(gallery: gallery.model, requested: model)
                }
                sawHeader = true
            case .person:
                guard sawHeader else { throw fail("the first line must be the header") }
                guard let name = line.name else { throw fail("a person line needs a name") }
                do { try Gallery.validate(name: name) } catch let error as GalleryError { throw fail(error.description) }
                guard index[name] == nil else { throw fail("\"\(name)\" appears twice") }
                index[name] = plan.people.count
                plan.people.append(PlannedPerson(line: lineNumber, name: name, metadata: line.metadata ?? [:], faces: []))
            case .face:
                guard sawHeader else { throw fail("the first line must be the header") }
                guard let owner = line.person, let slot = index[owner] else {
                    throw fail("a face line must name a person declared on an earlier line")
                }
                guard let sha = line.imageSHA256, let box = line.box, let quality = line.quality,
                      let embedding = line.embedding else {
                    throw fail("a face line needs imageSHA256, box, quality and embedding")
                }
                var points: [FacePoint] = []
                for pair in line.landmarks ?? [] {
                    guard pair.count == 2 else { throw fail("landmarks must be [x, y] pairs") }
                    points.append(FacePoint(x: pair[0], y: pair[1]))
                }
                let face = NewFace(imageSHA256: sha, box: box, landmarks: points, quality: quality,
                                   crop: line.crop, embedding: embedding)
                do { try gallery.validate(face) } catch let error as GalleryError { throw fail(error.description) }
                plan.people[slot].faces.append(face)
            }
        }
        guard sawHeader else { throw GalleryError.invalidImport(line: 1, reason: "the file is empty or has no header") }
        return plan
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "malformed JSON"
        }
    }
}
