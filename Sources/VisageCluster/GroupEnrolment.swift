import Foundation
import VisageStore

/// Turns a group of a ``ClusterReport`` into one enrolled gallery person.
public enum GroupEnrolment {
    /// What an enrolment did.
    public struct Outcome: Sendable, Equatable {
        /// The new face samples.
        public var enrolled: [FaceID]
        /// Faces left out because they match another gallery person.
        public var skipped: [ReportFace]
    }

    /// Enrols the faces of group `id` as `name` (created when missing), taking embeddings and
    /// thumbnails from the face cache, and records the name in the report's group.
    ///
    /// Faces that the report labels with another person's name are skipped. All faces are
    /// written in one transaction.
    /// - Parameters:
    ///   - id: the group's number in the report.
    ///   - name: the person's name.
    ///   - report: the report; its group is renamed.
    ///   - cache: the face cache the report was made with.
    ///   - gallery: the gallery to write.
    /// - Throws: ``ClusterError/unknownGroup(id:available:)``, ``ClusterError/notCached(image:cache:)``,
    ///   ``ClusterError/nothingToEnrol(group:)``,
    ///   and ``GalleryError`` from the gallery.
    public static func enrol(group id: Int, as name: String, report: inout ClusterReport, cache: FaceCache,
                             gallery: Gallery) throws -> Outcome {
        guard let g = report.groups.firstIndex(where: { $0.id == id }) else {
            throw ClusterError.unknownGroup(id: id, available: report.groups.count)
        }
        var samples: [NewFace] = [], skipped: [ReportFace] = []
        for face in report.groups[g].faces {
            if let other = face.knownAs, other != name { skipped.append(face); continue }
            guard let entry = cache.lookup(sha256: face.sha256), entry.faces.indices.contains(face.face) else {
                throw ClusterError.notCached(image: face.image, cache: cache.path)
            }
            let cached = entry.faces[face.face]
            samples.append(NewFace(imageSHA256: face.sha256, box: cached.box, quality: Double(cached.score),
                                   crop: nil, embedding: cached.embedding))
        }
        guard !samples.isEmpty else { throw ClusterError.nothingToEnrol(group: id) }
        let ids = try gallery.enroll(personName: name, createIfMissing: true, faces: samples)
        report.groups[g].name = name
        for f in report.groups[g].faces.indices where report.groups[g].faces[f].knownAs == nil {
            report.groups[g].faces[f].knownAs = name
        }
        return Outcome(enrolled: ids, skipped: skipped)
    }
}
