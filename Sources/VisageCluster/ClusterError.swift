import Foundation

/// What can go wrong while grouping faces, with a message a user can act on.
public enum ClusterError: Error, Equatable, CustomStringConvertible {
    /// The embedding matrix does not have `count × dimension` values, or its dimension is 0.
    case badMatrix(count: Int, dimension: Int, values: Int)
    /// An embedding holds NaN or infinity.
    case nonFiniteEmbedding(row: Int)
    /// The distance threshold is not a positive finite number.
    case badThreshold(Float)
    /// A count option (iterations, minimum size, minimum points) is out of range.
    case badOption(name: String, value: Int, range: ClosedRange<Int>)
    /// The threshold links too many pairs to hold in memory.
    case tooManyEdges(limit: Int)
    /// A report or cache file cannot be read or written.
    case io(path: String, reason: String)
    /// A report file is not a `visage cluster` report.
    case badReport(path: String, reason: String)
    /// The report has no group with this id.
    case unknownGroup(id: Int, available: Int)
    /// Every face of the group matches another gallery person.
    case nothingToEnrol(group: Int)
    /// A face of the group to enrol is not in the embedding cache any more.
    case notCached(image: String, cache: String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case let .badMatrix(count, dimension, values):
            return "embedding matrix of \(count) × \(dimension) has \(values) values"
        case let .nonFiniteEmbedding(row):
            return "embedding \(row) contains NaN or infinity"
        case let .badThreshold(t):
            return "distance threshold \(t) must be a positive finite number"
        case let .badOption(name, value, range):
            return "\(name) is \(value); it must be in \(range.lowerBound)…\(range.upperBound)"
        case let .tooManyEdges(limit):
            return "the threshold links more than \(limit) pairs of faces; lower --threshold"
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .badReport(path, reason):
            return "\(path) is not a visage cluster report: \(reason)"
        case let .unknownGroup(id, available):
            return "the report has no group \(id) (groups are numbered 1…\(available))"
        case let .nothingToEnrol(group):
            return "every face of group \(group) matches another person of the gallery; nothing was enrolled"
        case let .notCached(image, cache):
            return "the face embeddings of \(image) are not in \(cache); run `visage cluster` on the photos again"
        }
    }
}
