import Foundation
import VisageStore

/// Faces as JSON lines, one object per face: `{"image": …, "face": 0, "sha256": …,
/// "box": [left, top, right, bottom], "embedding": [...]}` — what `visage cluster
/// --save-embeddings` writes and `--embeddings` reads (for example to compare with another
/// clustering program on exactly the same vectors).
public enum EmbeddingFile {
    /// The largest file read (2 GiB).
    public static let maximumFileBytes = 2 << 30

    /// Writes every harvested face.
    /// - Throws: ``ClusterError/io(path:reason:)``.
    public static func write(_ faces: [HarvestedFace], to path: String) throws {
        var out = Data()
        for face in faces {
            let b = face.face.box
            let object: [String: Any] = [
                "image": face.image, "face": face.index, "sha256": face.sha256,
                "box": [b.left, b.top, b.right, b.bottom], "embedding": face.face.embedding.map(Double.init),
            ]
            do { out.append(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) } catch {
                throw ClusterError.io(path: path, reason: "cannot encode the embedding of \(face.image): \(error)")
            }
            out.append(UInt8(ascii: "\n"))
        }
        do { try out.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ClusterError.io(path: path, reason: error.localizedDescription)
        }
    }

    /// Reads faces; `image`, `face`, `sha256` and `box` are optional (defaults: the line number,
    /// 0, empty, a zero box), `embedding` is required and all embeddings must have one length.
    /// - Returns: a harvest without thumbnails, one "image" per line.
    /// - Throws: ``ClusterError/io(path:reason:)`` for an unreadable file or a malformed line.
    public static func read(path: String) throws -> Harvest {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maximumFileBytes else { throw ClusterError.io(path: path, reason: "larger than 2 GiB") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ClusterError.io(path: path, reason: error.localizedDescription)
        }
        var harvest = Harvest()
        var dimension: Int?
        for (n, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() {
            func bad(_ why: String) -> ClusterError { .io(path: path, reason: "line \(n + 1): \(why)") }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw bad("not a JSON object")
            }
            guard let values = object["embedding"] as? [NSNumber], !values.isEmpty else { throw bad("no \"embedding\" array") }
            guard dimension == nil || dimension == values.count else {
                throw bad("embedding of \(values.count) values, earlier ones have \(dimension ?? 0)")
            }
            dimension = values.count
            let box = (object["box"] as? [NSNumber]).flatMap { b in
                b.count == 4 ? FaceBox(left: b[0].doubleValue, top: b[1].doubleValue, right: b[2].doubleValue, bottom: b[3].doubleValue) : nil
            } ?? FaceBox(left: 0, top: 0, right: 0, bottom: 0)
            let face = CachedFace(box: box, score: 0, embedding: values.map { $0.floatValue }, thumbnail: Data())
            harvest.faces.append(HarvestedFace(image: object["image"] as? String ?? "line \(n + 1)",
                                               sha256: object["sha256"] as? String ?? "",
                                               index: (object["face"] as? NSNumber)?.intValue ?? 0, face: face))
            harvest.images += 1
        }
        return harvest
    }
}
