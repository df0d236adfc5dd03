/// One search result: a stored vector (or, when grouping by label, the closest vector of a label).
public struct SearchHit: Equatable, Sendable {
    /// The stable id `add` returned for the vector.
    public let id: Int64
    /// The vector's label (for faces: the person).
    public let label: Int64
    /// The Euclidean (L2) distance from the query, computed in float32.
    public let distance: Float

    /// Creates a hit.
    public init(id: Int64, label: Int64, distance: Float) {
        self.id = id
        self.label = label
        self.distance = distance
    }
}

/// What a search counts as one result.
public enum SearchGrouping: Sendable {
    /// Every stored vector is a result on its own.
    case vectors
    /// A label counts once, at the distance of its closest vector (a person with many photos
    /// appears once).
    case labels
}

/// Options of ``VectorIndex/search(_:k:options:)``.
public struct SearchOptions: Sendable {
    /// Whether results are vectors or distinct labels.
    public var grouping: SearchGrouping
    /// For compact precisions: the scan keeps `k × rerankFactor` candidates, which are then
    /// re-ranked with float32 distances. Ignored for float32 indexes.
    public var rerankFactor: Int
    /// Which scan kernels run: `.automatic` (the fastest the CPU has), `.avx2` or `.portable`.
    public var kernels: ScanKernels

    /// Creates options.
    /// - Parameters:
    ///   - grouping: `.vectors` (default) or `.labels`.
    ///   - rerankFactor: candidates per result kept for re-ranking (default 4).
    ///   - kernels: `.automatic` (default), `.avx2` (no AVX-512 VNNI) or `.portable` (to
    ///     compare them, or to rule the C kernels out).
    public init(grouping: SearchGrouping = .vectors, rerankFactor: Int = 4, kernels: ScanKernels = .automatic) {
        self.grouping = grouping
        self.rerankFactor = rerankFactor
        self.kernels = kernels
    }
}
