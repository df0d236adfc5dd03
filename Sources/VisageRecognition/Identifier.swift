import VisageStore

/// Nearest-person search over a gallery, in memory.
///
/// The embeddings are read once into a matrix (``GalleryStore/allEmbeddings()``); before every
/// search the identifier compares the gallery's ``GalleryStore/version()`` with the version it
/// loaded and reloads when another process or connection wrote. Its own enrolments (through
/// ``Recognizer``) are applied in place without a reload. Each batch of queries is ranked with
/// one matrix product.
public actor Identifier {
    /// The gallery searched.
    public let store: any GalleryStore
    /// How people with several samples are compared.
    public let strategy: MatchStrategy
    private var matrix: GalleryMatrix?
    private var loadedVersion: Int64 = -1

    /// Creates an identifier; nothing is read until the first search (or ``reload()``).
    /// - Parameters:
    ///   - store: the gallery.
    ///   - strategy: nearest sample (default) or centroid per person.
    public init(store: any GalleryStore, strategy: MatchStrategy = .minimumDistance) {
        self.store = store
        self.strategy = strategy
    }

    /// Reads every embedding again.
    /// - Throws: the gallery's errors.
    public func reload() async throws {
        let embeddings = try await store.allEmbeddings()
        matrix = GalleryMatrix(embeddings)
        loadedVersion = embeddings.version
    }

    /// Reloads when the gallery changed since the last load.
    /// - Throws: the gallery's errors.
    public func refreshIfNeeded() async throws {
        if matrix != nil {
            let current = try await store.version()
            if current == loadedVersion { return }
        }
        try await reload()
    }

    /// The gallery version the in-memory matrix reflects (−1 before the first load).
    public var version: Int64 { loadedVersion }

    /// Numbers of people and face samples in memory.
    public var counts: (people: Int, faces: Int) { (matrix?.personCount ?? 0, matrix?.faceCount ?? 0) }

    /// The `k` nearest people for each query, nearest first, with exact Euclidean distances.
    /// - Parameters:
    ///   - queries: embeddings of the gallery model's dimension.
    ///   - k: how many people per query (at least 1).
    /// - Returns: one list per query (shorter than `k` when the gallery has fewer people).
    /// - Throws: ``RecognitionError/invalidArgument(_:)`` for a bad `k` or query size; the gallery's errors.
    public func nearestPeople(_ queries: [[Float]], k: Int) async throws -> [[PersonDistance]] {
        guard k >= 1, k <= 10_000 else { throw RecognitionError.invalidArgument("top-K \(k) must be 1…10000") }
        try checkDimensions(queries)
        try await refreshIfNeeded()
        guard !queries.isEmpty else { return [] }
        return matrix!.rank(queries, k: k, strategy: strategy)
    }

    /// The distance from `query` to the named person, or `nil` when the person has no samples.
    /// - Throws: ``RecognitionError/unknownPerson(name:)`` when nobody has this name;
    ///   ``RecognitionError/invalidArgument(_:)`` for a bad query size; the gallery's errors.
    public func distance(_ query: [Float], to name: String) async throws -> PersonDistance? {
        try checkDimensions([query])
        try await refreshIfNeeded()
        if let slot = matrix!.slot(named: name) {
            return matrix!.distance(query, toSlot: slot, strategy: strategy)
        }
        guard try await store.person(named: name) != nil else { throw RecognitionError.unknownPerson(name: name) }
        return nil
    }

    /// Applies faces this process just enrolled, without reloading, when no other write happened
    /// in between (the gallery version moved by exactly one); otherwise marks the matrix stale.
    /// - Parameters:
    ///   - faces: the new samples with their embeddings.
    ///   - person: the owner.
    ///   - versionBefore: the gallery version read before the write (``version``).
    ///   - versionAfter: the gallery version read after the write.
    public func didEnroll(_ faces: [(FaceID, [Float])], person: Person, versionBefore: Int64, versionAfter: Int64) {
        guard matrix != nil, versionBefore == loadedVersion, versionAfter == versionBefore + 1 else {
            loadedVersion = -1
            return
        }
        for (id, vector) in faces { matrix!.append(vector, faceID: id, personID: person.id, name: person.name) }
        loadedVersion = versionAfter
    }

    private func checkDimensions(_ queries: [[Float]]) throws {
        let d = store.model.dimension
        if let bad = queries.first(where: { $0.count != d }) {
            throw RecognitionError.invalidArgument("query has \(bad.count) values, the gallery's model has \(d)")
        }
    }
}
