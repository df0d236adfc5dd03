import Foundation
import VisageImage
import VisageNN

/// Face images grouped by identity: one folder per person, images inside (JPEG, PNG or PNM).
///
/// Images are stored once, preprocessed like the encoder's inference recipe (RGB, nearest
/// resize to the input size), as 8-bit planes [3, S, S]; batches are made as Float tensors
/// with `pixel / 255`.
public struct FaceDataset: Sendable {
    /// One person.
    public struct Identity: Sendable {
        /// The folder name.
        public let name: String
        /// The image files, in natural order.
        public let files: [URL]
        /// The preprocessed images, planes [3, S, S] each.
        public let images: [[UInt8]]

        /// Creates an identity from preprocessed images.
        public init(name: String, files: [URL], images: [[UInt8]]) {
            self.name = name
            self.files = files
            self.images = images
        }
    }

    /// The image side length S.
    public let inputSize: Int
    /// The identities, in natural folder order (`s2` before `s10`).
    public let identities: [Identity]

    /// Creates a dataset from preprocessed identities.
    public init(inputSize: Int, identities: [Identity]) {
        self.inputSize = inputSize
        self.identities = identities
    }

    /// The number of images.
    public var imageCount: Int { identities.reduce(0) { $0 + $1.images.count } }

    /// The file extensions read (lower case).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "pgm", "ppm", "pnm", "pbm"]

    /// Loads every identity folder below `directory`.
    /// - Parameters:
    ///   - directory: a folder with one sub-folder per identity.
    ///   - inputSize: the side S the images are resized to.
    /// - Throws: ``TrainingError/unreadableDirectory(path:reason:)`` or
    ///   ``TrainingError/unreadableImage(path:reason:)``.
    public static func load(directory: URL, inputSize: Int) throws -> FaceDataset {
        var identities: [Identity] = []
        for entry in try sortedEntries(directory) {
            let folder = entry.resolvingSymlinksInPath()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let files = try sortedEntries(folder).filter { imageExtensions.contains($0.pathExtension.lowercased()) }
            guard !files.isEmpty else { continue }
            let images = try files.map { try preprocess(url: $0, size: inputSize) }
            identities.append(Identity(name: entry.lastPathComponent, files: files, images: images))
        }
        return FaceDataset(inputSize: inputSize, identities: identities)
    }

    /// Reads one image the way the dataset stores it.
    /// - Throws: ``TrainingError/unreadableImage(path:reason:)``.
    public static func preprocess(url: URL, size: Int) throws -> [UInt8] {
        do {
            let image = try Image.load(path: url.path).converted(to: .rgb).resized(width: size, height: size, filter: .nearest)
            var planes = [UInt8](repeating: 0, count: 3 * size * size)
            for i in 0..<(size * size) {
                for c in 0..<3 { planes[c * size * size + i] = image.pixels[i * 3 + c] }
            }
            return planes
        } catch {
            throw TrainingError.unreadableImage(path: url.path, reason: "\(error)")
        }
    }

    /// The identities for which `isIncluded` is true.
    public func filter(_ isIncluded: (Identity) -> Bool) -> FaceDataset {
        FaceDataset(inputSize: inputSize, identities: identities.filter(isIncluded))
    }

    /// The images at `refs` as a [N, 3, S, S] tensor of `pixel / 255`, each augmented.
    /// - Parameters:
    ///   - refs: which images.
    ///   - augmentation: the random flip and crop jitter (``Augmentation/none`` for evaluation).
    ///   - generator: the source of the augmentation's randomness.
    public func batch<G: RandomNumberGenerator>(_ refs: [ImageRef], augmentation: Augmentation,
                                                using generator: inout G) -> Tensor {
        let plane = 3 * inputSize * inputSize
        var t = Tensor(shape: [refs.count, 3, inputSize, inputSize])
        t.storage.withUnsafeMutableBufferPointer { out in
            for (s, ref) in refs.enumerated() {
                augmentation.apply(identities[ref.identity].images[ref.image], size: inputSize,
                                   into: out.baseAddress! + s * plane, using: &generator)
            }
        }
        return t
    }

    /// The entries of a folder, hidden ones left out, in natural order.
    private static func sortedEntries(_ url: URL) throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
                .filter { !$0.lastPathComponent.hasPrefix(".") }
                .sorted { $0.lastPathComponent.compare($1.lastPathComponent, options: .numeric) == .orderedAscending }
        } catch {
            throw TrainingError.unreadableDirectory(path: url.path, reason: error.localizedDescription)
        }
    }
}

/// One image of a ``FaceDataset``: identity index and image index within it.
public struct ImageRef: Hashable, Sendable {
    /// The identity's index.
    public var identity: Int
    /// The image's index within the identity.
    public var image: Int

    /// Creates a reference.
    public init(identity: Int, image: Int) {
        self.identity = identity
        self.image = image
    }
}
