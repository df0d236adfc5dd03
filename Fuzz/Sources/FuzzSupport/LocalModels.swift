import Foundation

/// Slices of the model files on this machine, used as seeds (never committed, read at run time).
public enum LocalModels {
    /// The model folder: `VISAGE_MODELS` or `~/.cache/visage/models`.
    public static var folder: URL {
        if let custom = ProcessInfo.processInfo.environment["VISAGE_MODELS"] { return URL(fileURLWithPath: custom) }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/visage/models")
    }

    /// The first `maxBytes` bytes of a model file, or nil when the file is not there.
    /// - Parameters:
    ///   - name: the file name, e.g. `mmod_human_face_detector.dat`.
    ///   - maxBytes: how much to take from the start of the file.
    public static func prefix(_ name: String, maxBytes: Int) -> [UInt8]? {
        guard let handle = try? FileHandle(forReadingFrom: folder.appendingPathComponent(name)) else {
            FileHandle.standardError.write(Data("note: \(name) not found in \(folder.path); seed skipped\n".utf8))
            return nil
        }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: maxBytes)).map { [UInt8]($0) }
    }
}
