import VisageStore

/// One person's distance to a query, as ranked by ``Identifier``.
public struct PersonDistance: Hashable, Sendable {
    /// The person's row id.
    public var personID: Int64
    /// The person's name.
    public var name: String
    /// Euclidean distance under the identifier's ``VisageStore/MatchStrategy``.
    public var distance: Float
    /// The nearest sample (minimum-distance strategy), or `nil` (centroid strategy).
    public var faceID: FaceID?

    /// Creates a ranked person.
    public init(personID: Int64, name: String, distance: Float, faceID: FaceID?) {
        self.personID = personID
        self.name = name
        self.distance = distance
        self.faceID = faceID
    }
}
