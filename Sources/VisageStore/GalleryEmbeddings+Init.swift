extension GalleryEmbeddings {
    /// Creates an empty snapshot with room for `capacity` rows (gallery backends fill it).
    /// - Parameters:
    ///   - dimension: Values per row.
    ///   - version: The gallery's change counter when the snapshot is read.
    ///   - capacity: The number of rows to reserve room for.
    public init(dimension: Int, version: Int64, capacity: Int = 0) {
        self.init(ids: [], personIDs: [], names: [], dimension: dimension, matrix: [], version: version)
        ids.reserveCapacity(capacity)
        personIDs.reserveCapacity(capacity)
        names.reserveCapacity(capacity)
        matrix.reserveCapacity(capacity * dimension)
    }
}
