import VisageStore

/// One person proposed for a face.
public struct Candidate: Sendable, Equatable {
    /// The person's name.
    public var name: String
    /// The person's row id.
    public var personID: Int64
    /// Euclidean distance (nearest sample, or centroid).
    public var distance: Float
    /// Calibrated P(same person), when the gallery has a calibration.
    public var probability: Double?

    /// Creates a candidate.
    public init(name: String, personID: Int64, distance: Float, probability: Double?) {
        self.name = name
        self.personID = personID
        self.distance = distance
        self.probability = probability
    }
}

/// Who a face in a query image is.
public struct FaceIdentification: Sendable, Equatable {
    /// The face's box in the query image.
    public var box: FaceBox
    /// The detector's confidence.
    public var detectionScore: Float
    /// The best candidate's name when its distance is below the threshold, else `nil` ("unknown").
    public var identity: String?
    /// The best candidate's distance (`nil` for an empty gallery).
    public var distance: Float?
    /// Runner-up distance minus best distance (`nil` with fewer than two people).
    public var margin: Float?
    /// The threshold the face was decided with (for identify: by gallery size, see
    /// ``MatchThreshold/value(people:)``).
    public var threshold: Float
    /// Calibrated P(same person) of the best candidate, when calibrated.
    public var probability: Double?
    /// The false-accept rate of the threshold, when calibrated.
    public var falseAcceptRate: Double?
    /// The nearest people, nearest first (at most top-K).
    public var candidates: [Candidate]

    /// Creates an identification.
    public init(box: FaceBox, detectionScore: Float, identity: String?, distance: Float?, margin: Float?,
                threshold: Float, probability: Double?, falseAcceptRate: Double?, candidates: [Candidate]) {
        self.box = box
        self.detectionScore = detectionScore
        self.identity = identity
        self.distance = distance
        self.margin = margin
        self.threshold = threshold
        self.probability = probability
        self.falseAcceptRate = falseAcceptRate
        self.candidates = candidates
    }
}

/// The answer to "is the face in this image the claimed person?".
public struct Verification: Sendable, Equatable {
    /// The claimed name.
    public var name: String
    /// The face compared (the largest in the image).
    public var box: FaceBox
    /// How many faces the image has.
    public var facesInImage: Int
    /// Distance to the claimed person (nearest sample, or centroid).
    public var distance: Float
    /// The threshold in use.
    public var threshold: Float
    /// `distance < threshold`.
    public var match: Bool
    /// Calibrated P(same person), when calibrated.
    public var probability: Double?
    /// The false-accept rate of the threshold, when calibrated.
    public var falseAcceptRate: Double?

    /// Creates a verification.
    public init(name: String, box: FaceBox, facesInImage: Int, distance: Float, threshold: Float, match: Bool,
                probability: Double?, falseAcceptRate: Double?) {
        self.name = name
        self.box = box
        self.facesInImage = facesInImage
        self.distance = distance
        self.threshold = threshold
        self.match = match
        self.probability = probability
        self.falseAcceptRate = falseAcceptRate
    }
}
