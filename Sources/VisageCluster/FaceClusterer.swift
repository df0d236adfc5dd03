import VisageModels

/// The grouping algorithms.
public enum ClusterMethod: String, Sendable, CaseIterable, Codable {
    /// Agglomerative, complete linkage (the default): every two faces of a group are closer than
    /// the threshold. The most accurate on LFW (docs/cluster.md).
    case completeLinkage = "complete-linkage"
    /// Chinese whispers on the graph of faces closer than the threshold (dlib's clustering).
    case chineseWhispers = "chinese-whispers"
    /// DBSCAN with ε = the threshold.
    case dbscan

    /// The method's default threshold for an encoder: the registry's group diameter for complete
    /// linkage, its link distance for the others.
    public func defaultThreshold(for encoder: EncoderID) -> Float {
        let thresholds = ModelDescriptor.of(encoder).clusterThresholds
        return self == .completeLinkage ? thresholds.diameter : thresholds.link
    }
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

    /// Options with the method's default threshold for the model (dlib-resnet: 0.62 for complete
    /// linkage, 0.5 for chinese whispers and DBSCAN), chinese whispers with dlib's 100 rounds and
    /// seed 0, groups of at least 2 faces, DBSCAN with 3 points.
    public init(method: ClusterMethod = .completeLinkage, threshold: Float? = nil, encoder: EncoderID = .dlibResNet,
                minSize: Int = 2, whispers: ChineseWhispers = ChineseWhispers(), dbscan: DBSCAN = DBSCAN()) {
        self.method = method
        self.threshold = threshold ?? method.defaultThreshold(for: encoder)
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
        case .completeLinkage:
            return Grouping(labels: CompleteLinkage().labels(for: graph), minSize: options.minSize)
        }
    }
}
