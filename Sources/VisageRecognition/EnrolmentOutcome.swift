import VisageStore

/// A photo offered for enrolment: its bytes and a label for reports (a file name, an upload name).
public struct EnrolmentImage: Sendable {
    /// A label naming the image in outcomes and errors.
    public var source: String
    /// The encoded image (JPEG, PNG, PNM).
    public var data: [UInt8]

    /// Creates an enrolment image.
    public init(source: String, data: [UInt8]) {
        self.source = source
        self.data = data
    }
}

/// What happened to one photo of an enrolment.
public struct EnrolmentOutcome: Sendable, Equatable {
    /// The verdict on one photo.
    public enum Status: Sendable, Equatable {
        /// Stored as this face sample.
        case accepted(FaceID)
        /// Not stored, with a stable reason code and a message.
        case rejected(RejectionReason, message: String)
    }

    /// The image's label, as given in ``EnrolmentImage/source``.
    public var source: String
    /// Accepted with its face id, or rejected with a reason.
    public var status: Status
    /// The chosen face's box, when a face was found.
    public var box: FaceBox?
    /// The chosen face's quality, when a face was found.
    public var quality: FaceQuality?
    /// Lower-case hex SHA-256 of the image bytes.
    public var imageSHA256: String

    /// Creates an outcome.
    public init(source: String, status: Status, box: FaceBox?, quality: FaceQuality?, imageSHA256: String) {
        self.source = source
        self.status = status
        self.box = box
        self.quality = quality
        self.imageSHA256 = imageSHA256
    }

    /// The face id when accepted.
    public var faceID: FaceID? {
        if case .accepted(let id) = status { return id }
        return nil
    }

    /// The reason when rejected.
    public var rejection: RejectionReason? {
        if case .rejected(let reason, _) = status { return reason }
        return nil
    }
}

/// The outcome of one enrolment call: every photo's verdict, in the order given.
public struct EnrolmentReport: Sendable, Equatable {
    /// The person enrolled into.
    public var name: String
    /// Whether the person was created by this enrolment.
    public var createdPerson: Bool
    /// One outcome per image, in input order.
    public var outcomes: [EnrolmentOutcome]

    /// Creates a report.
    public init(name: String, createdPerson: Bool, outcomes: [EnrolmentOutcome]) {
        self.name = name
        self.createdPerson = createdPerson
        self.outcomes = outcomes
    }

    /// How many photos were stored.
    public var acceptedCount: Int { outcomes.filter { $0.faceID != nil }.count }
}
