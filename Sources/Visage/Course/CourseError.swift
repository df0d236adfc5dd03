/// Errors of the course API (verify / who_is_it).
public enum CourseError: Error, Equatable, CustomStringConvertible {
    /// The claimed identity is not in the database.
    case unknownIdentity(String, known: [String])
    /// The database folder holds no photo.
    case emptyDatabase(String)
    /// A photo could not be decoded.
    case unreadableImage(String, String)

    /// A message a user can act on.
    public var description: String {
        switch self {
        case .unknownIdentity(let name, let known):
            return "'\(name)' is not in the database (known: \(known.joined(separator: ", ")))"
        case .emptyDatabase(let path):
            return "no photos (.jpg, .png, .pgm, .ppm) in database folder \(path)"
        case .unreadableImage(let path, let why):
            return "cannot read image \(path): \(why)"
        }
    }
}
