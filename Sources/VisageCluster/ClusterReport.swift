import Foundation
import VisageStore

/// What `visage cluster` writes to `report.json` (schema documented in docs/cluster.md).
public struct ClusterReport: Codable, Sendable, Equatable {
    /// The schema version written by this code.
    public static let currentVersion = 1

    /// Schema version.
    public var version: Int
    /// When the report was made (ISO 8601, UTC).
    public var created: String
    /// The pipeline signature (see ``FaceHarvester/signature(of:)``).
    public var pipeline: String
    /// The grouping algorithm.
    public var method: ClusterMethod
    /// The linking distance.
    public var threshold: Float
    /// The smallest group kept.
    public var minSize: Int
    /// The chinese-whispers seed.
    public var seed: UInt64
    /// The face cache file the embeddings are in (used by `--enroll`).
    public var cache: String?
    /// The gallery consulted for known faces, if any.
    public var gallery: String?
    /// Photos processed.
    public var images: Int
    /// Photos without a face.
    public var imagesWithoutFaces: Int
    /// Faces found.
    public var faceCount: Int
    /// Photos that could not be read.
    public var failures: [ImageFailure]
    /// The groups, largest first, numbered from 1.
    public var groups: [ReportGroup]
    /// Faces in no group.
    public var unassigned: [ReportFace]

    /// Reads a report.
    /// - Throws: ``ClusterError/io(path:reason:)`` or ``ClusterError/badReport(path:reason:)``.
    public static func load(path: String) throws -> ClusterReport {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= 1 << 30 else { throw ClusterError.badReport(path: path, reason: "larger than 1 GiB") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ClusterError.io(path: path, reason: "cannot read the report: \(error.localizedDescription)")
        }
        let report: ClusterReport
        do { report = try JSONDecoder().decode(ClusterReport.self, from: data) } catch {
            throw ClusterError.badReport(path: path, reason: "\(error)")
        }
        guard report.version <= currentVersion else {
            throw ClusterError.badReport(path: path, reason: "schema version \(report.version) is newer than \(currentVersion)")
        }
        return report
    }

    /// The report as pretty-printed JSON with sorted keys.
    /// - Throws: `EncodingError` (not expected for finite values).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes the report atomically, creating its folder when needed.
    /// - Throws: ``ClusterError/io(path:reason:)``.
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try json().write(to: url, options: .atomic)
        } catch {
            throw ClusterError.io(path: path, reason: "cannot write the report: \(error.localizedDescription)")
        }
    }
}

/// One group of a ``ClusterReport``.
public struct ReportGroup: Codable, Sendable, Equatable {
    /// The group's number, from 1 (largest group first).
    public var id: Int
    /// The number of faces.
    public var size: Int
    /// The gallery name most of its faces match, or the name it was enrolled as.
    public var name: String?
    /// The face nearest the group's mean embedding.
    public var representative: ReportFace
    /// The contact sheet's file name, relative to the report's folder.
    public var sheet: String?
    /// The faces, in photo order.
    public var faces: [ReportFace]
}

/// One face of a ``ClusterReport``.
public struct ReportFace: Codable, Sendable, Equatable {
    /// The photo's path.
    public var image: String
    /// The photo's SHA-256.
    public var sha256: String
    /// The face's index in the photo (0 = largest).
    public var face: Int
    /// The face's box in the photo's pixels.
    public var box: FaceBox
    /// The detector's confidence.
    public var score: Float
    /// The gallery person this face matches under the threshold, if any.
    public var knownAs: String?
    /// The distance to that person's nearest sample.
    public var knownDistance: Float?

    /// The report entry of a harvested face.
    public init(_ face: HarvestedFace, known: KnownFace? = nil) {
        image = face.image
        sha256 = face.sha256
        self.face = face.index
        box = face.face.box
        score = face.face.score
        knownAs = known?.name
        knownDistance = known?.distance
    }
}
