import Foundation

/// Lists the photos named on the command line: files as given, folders searched recursively
/// for JPEG, PNG and PGM/PPM files (by extension, case-insensitive), each folder's files sorted.
public enum PhotoFinder {
    /// The extensions picked up inside folders.
    public static let extensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm"]

    /// The photo files under `paths`, in a stable order without duplicates.
    /// - Parameter paths: files and folders.
    /// - Throws: ``ClusterError/io(path:reason:)`` for a path that does not exist.
    public static func photos(in paths: [String]) throws -> [String] {
        var result: [String] = [], seen = Set<String>()
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw ClusterError.io(path: path, reason: "no such file or folder")
            }
            let found = isFolder.boolValue ? try filesInFolder(path) : [path]
            for file in found where seen.insert(file).inserted { result.append(file) }
        }
        return result
    }

    private static func filesInFolder(_ folder: String) throws -> [String] {
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else {
            throw ClusterError.io(path: folder, reason: "cannot list the folder")
        }
        var files: [String] = []
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.lastPathComponent
            files.append(prefix + relative)
        }
        return files.sorted()
    }
}
