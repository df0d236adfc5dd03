import VisageImage

/// The course's face verification (1:1) and face recognition (1:K) over a ``FaceDatabase``.
///
/// `verify` answers "is this the claimed person?" (the door opens when the distance is below τ);
/// `whoIsIt` answers "which enrolled person is this?", or nobody when even the closest is above τ.
public struct CourseRecognizer: Sendable {
    /// The Siamese encoder f.
    public let encoder: FaceEncoder
    /// The enrolled people.
    public let database: FaceDatabase
    /// The threshold τ (0.7 in the course).
    public var threshold: Float

    /// Creates a recognizer.
    public init(encoder: FaceEncoder, database: FaceDatabase, threshold: Float = 0.7) {
        self.encoder = encoder
        self.database = database
        self.threshold = threshold
    }

    /// The outcome of ``verify(_:identity:)``.
    public struct Verification: Sendable, Equatable {
        /// ‖f(image) − f(identity's photo)‖.
        public let distance: Float
        /// `distance < threshold`.
        public let doorOpen: Bool
    }

    /// The outcome of ``whoIsIt(_:)``.
    public struct Identification: Sendable, Equatable {
        /// The smallest distance to any enrolled person.
        public let distance: Float
        /// The closest person, or `nil` ("Not in the database") when `distance > threshold`.
        public let identity: String?
        /// The closest person regardless of the threshold.
        public let closest: String
    }

    /// Face verification: is `image` the person `identity`?
    /// - Throws: ``CourseError/unknownIdentity(_:known:)`` when the name is not enrolled.
    public func verify(_ image: Image, identity: String) throws -> Verification {
        guard let reference = database.encoding(of: identity) else {
            throw CourseError.unknownIdentity(identity, known: database.entries.map(\.name))
        }
        let d = euclideanDistance(try encoder.encode(image), reference)
        return Verification(distance: d, doorOpen: d < threshold)
    }

    /// Face recognition: the closest enrolled person, as the course's `who_is_it` (first strict
    /// minimum; "not in the database" when the minimum is above τ).
    /// - Throws: ``CourseError/emptyDatabase(_:)`` when nobody is enrolled.
    public func whoIsIt(_ image: Image) throws -> Identification {
        guard !database.entries.isEmpty else { throw CourseError.emptyDatabase("(in memory)") }
        let e = try encoder.encode(image)
        var best = Float.greatestFiniteMagnitude
        var name = database.entries[0].name
        for entry in database.entries {
            let d = euclideanDistance(e, entry.encoding)
            if d < best {
                best = d
                name = entry.name
            }
        }
        return Identification(distance: best, identity: best > threshold ? nil : name, closest: name)
    }
}
