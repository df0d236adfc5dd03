import Foundation

extension ClusterReport {
    /// Assembles a report.
    /// - Parameters:
    ///   - harvest: the faces and photo counts.
    ///   - grouping: the groups over `harvest.faces`.
    ///   - representatives: one face index per group.
    ///   - known: per face, the gallery person it matches (or `nil`); empty when no gallery.
    ///   - options: the clustering settings.
    ///   - pipeline: the pipeline signature.
    ///   - cache: the face cache path.
    ///   - gallery: the gallery path, when one was consulted.
    ///   - date: the creation time.
    public init(harvest: Harvest, grouping: Grouping, representatives: [Int], known: [KnownFace?],
                options: ClusterOptions, pipeline: String, cache: String?, gallery: String?, date: Date = Date()) {
        func entry(_ i: Int) -> ReportFace { ReportFace(harvest.faces[i], known: known.isEmpty ? nil : known[i]) }
        let formatter = ISO8601DateFormatter()
        version = Self.currentVersion
        created = formatter.string(from: date)
        self.pipeline = pipeline
        method = options.method
        threshold = options.threshold
        minSize = options.minSize
        seed = options.whispers.seed
        self.cache = cache
        self.gallery = gallery
        images = harvest.images
        imagesWithoutFaces = harvest.imagesWithoutFaces
        faceCount = harvest.faces.count
        failures = harvest.failures
        groups = grouping.groups.enumerated().map { g, members in
            let faces = members.map(entry)
            return ReportGroup(id: g + 1, size: members.count, name: Self.majorityName(faces),
                               representative: entry(representatives[g]), sheet: nil, faces: faces)
        }
        unassigned = grouping.unassigned.map(entry)
    }

    /// The name carried by more than half of the faces, if any.
    static func majorityName(_ faces: [ReportFace]) -> String? {
        var counts: [String: Int] = [:]
        for face in faces { if let name = face.knownAs { counts[name, default: 0] += 1 } }
        guard let (name, count) = counts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) else { return nil }
        return count * 2 > faces.count ? name : nil
    }
}
