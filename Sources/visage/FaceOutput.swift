import ArgumentParser
import Foundation
import Visage
import VisageImage

/// The JSON and text forms of faces, shared by `detect` and `embed`.
enum FaceOutput {
    /// `{"box": {...}, "score", "landmarks": [[x, y], ...]}` plus `"embedding"` when given.
    static func json(_ face: LocatedFace, embedding: [Float]? = nil) -> JSON {
        let d = face.detection
        var pairs: [(String, JSON)] = [
            ("box", .object([("left", number(d.left)), ("top", number(d.top)), ("right", number(d.right)),
                             ("bottom", number(d.bottom))])),
            ("score", .number(Double(d.score), decimals: 7)),
            ("landmarks", .array(face.landmarks.map { .array([.int($0.x), .int($0.y)]) })),
        ]
        if let embedding { pairs.append(("embedding", .array(embedding.map { .number(Double($0), decimals: 7) }))) }
        return .object(pairs)
    }

    /// One image's line: `{"image", "width", "height", "faces": [...]}`.
    static func json(path: String, image: Image, faces: [JSON]) -> JSON {
        .object([("image", .string(path)), ("width", .int(image.width)), ("height", .int(image.height)),
                 ("faces", .array(faces))])
    }

    /// The readable form of one face.
    static func text(_ face: LocatedFace, index: Int) -> String {
        let d = face.detection
        let box = "(\(format(d.left)), \(format(d.top)), \(format(d.right)), \(format(d.bottom)))"
        let points = face.landmarks.map { "(\($0.x), \($0.y))" }.joined(separator: " ")
        return "  face \(index + 1): box \(box) score \(String(format: "%.4f", Double(d.score)))\n    landmarks \(points)"
    }

    /// The header line of one image.
    static func header(path: String, image: Image, count: Int) -> String {
        "\(path) (\(image.width)×\(image.height)): \(count == 0 ? "no face" : count == 1 ? "1 face" : "\(count) faces")"
    }

    /// Integral values without a fraction, others with up to 2 decimals.
    private static func number(_ v: Double) -> JSON {
        v == v.rounded() && abs(v) < 1e15 ? .int(Int(v)) : .number(v, decimals: 2)
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.2f", v)
    }
}

/// Runs `body` on every image, reporting unreadable images on standard error and going on;
/// then ends with exit code 2 if an image failed, 1 if an image had no face.
/// - Parameter body: processes one decoded image and returns its face count.
func forEachImage(_ paths: [String], _ body: (String, Image) throws -> Int) throws {
    var failed = false, missing = false
    for path in paths {
        do {
            let faces = try body(path, try loadImage(path))
            if faces == 0 {
                missing = true
                FileHandle.standardError.write(Data("no face found in \(path)\n".utf8))
            }
        } catch let error as CLIError {
            failed = true
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        } catch {
            failed = true
            FileHandle.standardError.write(Data("error: \(path): \(error)\n".utf8))
        }
    }
    if failed { throw ExitCode(2) }
    if missing { throw ExitCode(1) }
}
