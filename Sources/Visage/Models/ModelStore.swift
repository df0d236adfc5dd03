import Foundation
import VisageFormats
import VisageModels

/// The folder holding the pretrained model files, and checked access to them.
///
/// The folder is `$VISAGE_MODELS`, else `$XDG_CACHE_HOME/visage/models`, else
/// `~/.cache/visage/models` (the rule `scripts/setup.sh` and the tests use). `scripts/setup.sh`
/// fills it from PyPI. Verified files are remembered in a `<name>.sha256-verified` stamp, so a
/// file is hashed again only when its size, modification time or inode changes.
public struct ModelStore: Sendable, Equatable {
    /// The model cache folder.
    public let directory: URL

    /// A store over the given folder.
    public init(directory: URL) {
        self.directory = directory
    }

    /// A store over the default folder for `environment` (see ``defaultDirectory(environment:homeDirectory:)``).
    /// - Parameters:
    ///   - environment: the environment variables; the process's by default.
    ///   - homeDirectory: the user's home folder; the current user's by default.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                homeDirectory: URL = FileManager.default.homeDirectoryForCurrentUser) {
        self.init(directory: Self.defaultDirectory(environment: environment, homeDirectory: homeDirectory))
    }

    /// The default model folder: `VISAGE_MODELS`, else `XDG_CACHE_HOME/visage/models`, else
    /// `<home>/.cache/visage/models`. Empty variables count as unset.
    public static func defaultDirectory(environment: [String: String], homeDirectory: URL) -> URL {
        if let dir = environment["VISAGE_MODELS"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        if let cache = environment["XDG_CACHE_HOME"], !cache.isEmpty {
            return URL(fileURLWithPath: cache, isDirectory: true).appendingPathComponent("visage/models")
        }
        return homeDirectory.appendingPathComponent(".cache/visage/models")
    }

    /// Where `file` lives in this store, whether or not it is there.
    public func location(of file: ModelFile) -> URL {
        directory.appendingPathComponent(file.fileName)
    }

    /// The location of `file`, after checking it is present with the right size and, when
    /// `verify` is true, the right SHA-256 (skipped when a valid verification stamp exists).
    /// - Parameters:
    ///   - file: the model file wanted.
    ///   - verify: whether to check the SHA-256 as well as the size.
    /// - Throws: ``ModelStoreError/missing(_:path:hint:)`` when the file is absent,
    ///   ``ModelStoreError/sizeMismatch(_:path:expected:actual:)``,
    ///   ``ModelStoreError/checksumMismatch(_:path:expected:actual:)`` when it is corrupt, and
    ///   ``ModelStoreError/unreadable(_:path:reason:)`` when it cannot be read.
    public func url(for file: ModelFile, verify: Bool = true) throws -> URL {
        let url = location(of: file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
              !isDirectory.boolValue
        else {
            throw ModelStoreError.missing(file, path: url.path, hint: ModelStoreError.setupHint)
        }
        guard let now = VerificationStamp.current(of: url, sha256: file.sha256) else {
            throw ModelStoreError.unreadable(file, path: url.path, reason: "cannot read its attributes")
        }
        guard now.size == file.size else {
            throw ModelStoreError.sizeMismatch(file, path: url.path, expected: file.size, actual: now.size)
        }
        guard verify, VerificationStamp.stored(for: url) != now else { return url }

        let actual: String
        do {
            actual = try Self.sha256Hex(ofFileAt: url)
        } catch let ChecksumError.unreadable(_, reason) {
            throw ModelStoreError.unreadable(file, path: url.path, reason: reason)
        } catch {
            throw ModelStoreError.unreadable(file, path: url.path, reason: "\(error)")
        }
        guard actual == file.sha256 else {
            VerificationStamp.remove(for: url)
            throw ModelStoreError.checksumMismatch(file, path: url.path, expected: file.sha256, actual: actual)
        }
        now.write(for: url)
        return url
    }

    /// Checks several files and returns every problem found (empty when all are fine).
    /// - Parameters:
    ///   - files: the files to check; all known files by default.
    ///   - verify: whether to check SHA-256s as well as presence and size.
    public func problems(in files: [ModelFile] = ModelFile.allCases, verify: Bool = false) -> [ModelStoreError] {
        files.compactMap { file in
            do {
                _ = try url(for: file, verify: verify)
                return nil
            } catch let error as ModelStoreError {
                return error
            } catch {
                return .unreadable(file, path: location(of: file).path, reason: "\(error)")
            }
        }
    }

    /// The SHA-256 of any file, as 64 lowercase hex digits, read in 1 MiB chunks.
    /// - Parameter url: the file to hash.
    /// - Throws: ``ChecksumError/unreadable(path:reason:)`` when the file cannot be opened or read.
    public static func sha256Hex(ofFileAt url: URL) throws -> String {
        SHA256.hex(try SHA256.hash(contentsOf: url))
    }
}
