/// An encoder's default distances for grouping faces, which differ from its 1:1 decision
/// threshold: grouping links many faces at once, so it needs tighter links and a looser bound
/// on a whole group.
public struct ClusterThresholds: Sendable, Equatable {
    /// Methods that link pairs of faces and follow the links (chinese whispers, DBSCAN): faces
    /// closer than this are linked. dlib-resnet: 0.5, the value of dlib's own clustering example
    /// (`face_clustering.py`); at the 0.6 decision threshold look-alikes chain whole groups together.
    public let link: Float
    /// Complete linkage: the largest distance between two faces of one group. dlib-resnet: 0.62,
    /// chosen on LFW-dev people with 4–5 photos (best BCubed F there, 0.968), who are disjoint from
    /// the people with ≥ 6 photos that the clustering test scores (docs/cluster.md).
    public let diameter: Float

    /// Creates the pair of thresholds.
    public init(link: Float, diameter: Float) {
        self.link = link
        self.diameter = diameter
    }
}
