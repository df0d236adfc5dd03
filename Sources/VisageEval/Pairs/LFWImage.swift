/// One image in the LFW folder layout: `<name>/<name>_<number, 4 digits>.jpg`.
public struct LFWImage: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The person's folder name, e.g. `"Aaron_Peirsol"`.
    public let name: String
    /// The image number within the person's folder (1-based).
    public let number: Int

    /// Creates a reference; the pairs-file parser validates both parts.
    public init(name: String, number: Int) {
        self.name = name
        self.number = number
    }

    /// The path relative to the image root, e.g. `"Aaron_Peirsol/Aaron_Peirsol_0001.jpg"`.
    public var relativePath: String {
        let digits = String(number)
        let padded = String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        return "\(name)/\(name)_\(padded).jpg"
    }

    /// `name n`, as in the pairs file.
    public var description: String { "\(name) \(number)" }
}

/// A pair of images from a pairs file and whether they show the same person.
public struct LabeledPair: Hashable, Sendable {
    /// The first image.
    public let first: LFWImage
    /// The second image.
    public let second: LFWImage
    /// `true` for a same-person ("genuine") pair.
    public let isSame: Bool
    /// The 1-based line of the pairs file the pair came from.
    public let line: Int

    /// Creates a pair.
    public init(first: LFWImage, second: LFWImage, isSame: Bool, line: Int) {
        self.first = first
        self.second = second
        self.isSame = isSame
        self.line = line
    }
}
