import Foundation

/// The identifier of one face sample in a gallery.
public struct FaceID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The row id in the `face` table.
    public var rawValue: Int64
    /// Wraps a row id.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    /// Orders by row id (enrolment order).
    public static func < (a: FaceID, b: FaceID) -> Bool { a.rawValue < b.rawValue }
    /// The row id as text.
    public var description: String { String(rawValue) }
}

/// A person in a gallery.
public struct Person: Hashable, Sendable {
    /// The row id in the `person` table.
    public var id: Int64
    /// The unique, case-sensitive name.
    public var name: String
    /// Free-form string metadata (empty when none).
    public var metadata: [String: String]
    /// When the person was added.
    public var createdAt: Date
    /// How many face samples the person has.
    public var faceCount: Int

    /// Creates a person record (gallery backends build these from their rows).
    public init(id: Int64, name: String, metadata: [String: String], createdAt: Date, faceCount: Int) {
        self.id = id; self.name = name; self.metadata = metadata
        self.createdAt = createdAt; self.faceCount = faceCount
    }
}

/// A face box in source-image pixels (`right > left`, `bottom > top`).
public struct FaceBox: Hashable, Sendable, Codable {
    /// Left edge.
    public var left: Double
    /// Top edge.
    public var top: Double
    /// Right edge.
    public var right: Double
    /// Bottom edge.
    public var bottom: Double
    /// Creates a box from its edges.
    public init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left; self.top = top; self.right = right; self.bottom = bottom
    }
}

/// A landmark point in source-image pixels.
public struct FacePoint: Hashable, Sendable {
    /// Horizontal coordinate.
    public var x: Double
    /// Vertical coordinate.
    public var y: Double
    /// Creates a point.
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// A face sample to enrol: where it came from, how it was found, and its embedding.
public struct NewFace: Sendable {
    /// Lower-case hex SHA-256 of the source image file (64 characters).
    public var imageSHA256: String
    /// The detection box.
    public var box: FaceBox
    /// The landmarks used for alignment (may be empty).
    public var landmarks: [FacePoint]
    /// A detector or quality score.
    public var quality: Double
    /// The aligned crop as PNG bytes; needed later by `visage gallery reembed`.
    public var crop: Data?
    /// The embedding, of the gallery model's dimension.
    public var embedding: [Float]

    /// Creates a face sample.
    public init(imageSHA256: String, box: FaceBox, landmarks: [FacePoint] = [], quality: Double,
                crop: Data? = nil, embedding: [Float]) {
        self.imageSHA256 = imageSHA256; self.box = box; self.landmarks = landmarks
        self.quality = quality; self.crop = crop; self.embedding = embedding
    }
}

/// A stored face sample (without its crop bytes; see ``Gallery/crop(of:)``).
public struct FaceSample: Hashable, Sendable {
    /// The sample's identifier.
    public var id: FaceID
    /// The owner's row id.
    public var personID: Int64
    /// Lower-case hex SHA-256 of the source image.
    public var imageSHA256: String
    /// The detection box.
    public var box: FaceBox
    /// The landmarks.
    public var landmarks: [FacePoint]
    /// The quality score.
    public var quality: Double
    /// Whether an aligned crop is stored.
    public var hasCrop: Bool
    /// When the sample was enrolled.
    public var createdAt: Date

    /// Creates a face sample record (gallery backends build these from their rows).
    public init(id: FaceID, personID: Int64, imageSHA256: String, box: FaceBox, landmarks: [FacePoint],
                quality: Double, hasCrop: Bool, createdAt: Date) {
        self.id = id; self.personID = personID; self.imageSHA256 = imageSHA256; self.box = box
        self.landmarks = landmarks; self.quality = quality; self.hasCrop = hasCrop; self.createdAt = createdAt
    }
}

/// Counts and facts about a gallery.
public struct GalleryStats: Hashable, Sendable {
    /// The model the gallery is bound to.
    public var model: GalleryModel
    /// Number of people.
    public var people: Int
    /// Number of face samples.
    public var faces: Int
    /// Number of face samples with a stored crop (re-embeddable).
    public var facesWithCrops: Int
    /// Number of models with stored calibration.
    public var calibrations: Int
    /// The change counter (see ``Gallery/version()``).
    public var version: Int64
    /// The applied schema migrations, oldest first.
    public var schemaMigrations: [String]
    /// Size of the database file in bytes (without the WAL).
    public var fileBytes: Int64

    /// Creates a statistics record (gallery backends build these from their counts).
    public init(model: GalleryModel, people: Int, faces: Int, facesWithCrops: Int, calibrations: Int,
                version: Int64, schemaMigrations: [String], fileBytes: Int64) {
        self.model = model; self.people = people; self.faces = faces; self.facesWithCrops = facesWithCrops
        self.calibrations = calibrations; self.version = version
        self.schemaMigrations = schemaMigrations; self.fileBytes = fileBytes
    }
}
