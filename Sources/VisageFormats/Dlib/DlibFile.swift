import Foundation

/// Reading a whole model file.
enum DlibFile {
    /// Reads `url` completely, memory-mapped (a 100 MB model maps in ~10 ms where reading it
    /// into an array takes ~100 ms). Loaders copy everything they keep, so the mapping is
    /// released when loading ends. (As with any mapping, truncating the file while it loads
    /// is undefined; model files are not written while being read.)
    /// - Throws: ``DlibFormatError/unreadable(path:reason:)``.
    static func read(_ url: URL) throws -> Data {
        do {
            return try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw DlibFormatError.unreadable(path: url.path, reason: error.localizedDescription)
        }
    }
}
