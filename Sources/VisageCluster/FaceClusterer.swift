import VisageModels

/// The grouping algorithms.
public enum ClusterMethod: String, Sendable, CaseIterable, Codable {
    /// Chinese whispers on the graph of faces closer than the threshold (dlib's default).
    case chineseWhispers = "chinese-whispers"
    /// DBSCAN with ε = the threshold.
    case dbscan
}

/// Settings of ``FaceClusterer``.
public struct ClusterOptions: Sendable, Equatable {
    /// The algorithm.
    public var method: ClusterMethod
    /// Faces closer than this (Euclidean) are linked.
    public var threshold: Float
    /// Smaller groups are listed as unassigned faces.
    public var minSize: Int
    /// Chinese whispers: rounds, seed and vote weighting.
    public var whispers: ChineseWhispers
    /// DBSCAN: the core-face density.
    public var dbscan: DBSCAN

    /// Options with the given model's default threshold (dlib-resnet: 0.6), chinese whispers with
    /// dlib's 100 rounds and seed 0, groups of at least 2 faces, DBSCAN with 3 points.
    public init(method: ClusterMethod = .chineseWhispers, threshold: Float? = nil, encoder: EncoderID = .dlibResNet,
                minSize: Int = 2, whispers: ChineseWhispers = ChineseWhispers(), dbscan: DBSCAN = DBSCAN()) {
        self.method = method
        self.threshold = threshold ?? ModelDescriptor.of(encoder).defaultThreshold
        self.minSize = minSize
        self.whispers = whispers
        self.dbscan = dbscan
    }
}

/// Groups face embeddings: builds the neighbour graph once, then runs the chosen method.
public struct FaceClusterer: Sendable {
    /// The settings.
    public var options: ClusterOptions

    /// A clusterer with the given settings.
    public init(options: ClusterOptions = ClusterOptions()) { self.options = options }

    /// Groups the faces.
    /// - Parameter embeddings: one row per face.
    /// - Returns: the groups (largest first) and the unassigned faces.
    /// - Throws: ``ClusterError`` for bad options or a threshold that links too many pairs.
    public func cluster(_ embeddings: EmbeddingMatrix) throws -> Grouping {
        guard (1...1_000_000).contains(options.minSize) else {
            throw ClusterError.badOption(name: "min-size", value: options.minSize, range: 1...1_000_000)
        }
        let graph = try NeighbourGraph(embeddings: embeddings, threshold: options.threshold)
        return try cluster(graph)
    }

    /// Groups the faces of an already built graph.
    /// - Throws: ``ClusterError/badOption(name:value:range:)``.
    public func cluster(_ graph: NeighbourGraph) throws -> Grouping {
        switch options.method {
        case .chineseWhispers:
            return Grouping(labels: try options.whispers.labels(for: graph), minSize: options.minSize)
        case .dbscan:
            return Grouping(labels: try options.dbscan.labels(for: graph), minSize: options.minSize)
        }
    }
}
