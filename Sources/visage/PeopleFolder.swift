import Foundation

/// A folder with one subfolder of photos per person.
struct PeopleFolder {
    /// The person names (subfolder names), sorted.
    let names: [String]
    /// Every photo, grouped by person.
    let paths: [String]
    /// The person index of each photo.
    let labels: [Int]

    /// Image file extensions that are read.
    static let extensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm"]

    /// Lists the folder.
    /// - Throws: ``CLIError`` when the folder cannot be read or holds fewer than two people.
    init(path: String) throws {
        let fm = FileManager.default
        let root = URL(fileURLWithPath: path)
        let entries: [String]
        do {
            entries = try fm.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw CLIError("cannot list \(path): \(error.localizedDescription)")
        }
        var names: [String] = [], paths: [String] = [], labels: [Int] = []
        for entry in entries {
            var isDirectory: ObjCBool = false
            let folder = root.appendingPathComponent(entry)
            guard fm.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let files = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? [])
                .filter { !$0.hasPrefix(".") && Self.extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                .sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            guard !files.isEmpty else { continue }
            for file in files {
                paths.append(folder.appendingPathComponent(file).path)
                labels.append(names.count)
            }
            names.append(entry)
        }
        guard names.count >= 2 else {
            throw CLIError("\(path) must hold at least two subfolders of photos (one per person); found \(names.count)")
        }
        self.names = names
        self.paths = paths
        self.labels = labels
    }
}
