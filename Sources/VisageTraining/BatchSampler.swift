/// The shape of a triplet batch: P identities × K images each.
public struct BatchShape: Sendable, Equatable, CustomStringConvertible {
    /// Identities per batch (P ≥ 2).
    public let identities: Int
    /// Images per identity (K ≥ 2).
    public let imagesPerIdentity: Int

    /// Creates a batch shape.
    /// - Throws: ``TrainingError/invalidBatchShape(_:)`` when P or K is below 2.
    public init(identities: Int, imagesPerIdentity: Int) throws {
        guard identities >= 2, imagesPerIdentity >= 2, identities * imagesPerIdentity <= 100_000 else {
            throw TrainingError.invalidBatchShape("\(identities)x\(imagesPerIdentity)")
        }
        self.identities = identities
        self.imagesPerIdentity = imagesPerIdentity
    }

    /// Parses `"PxK"`, e.g. `"6x10"`.
    /// - Throws: ``TrainingError/invalidBatchShape(_:)``.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let p = Int(parts[0]), let k = Int(parts[1]) else {
            throw TrainingError.invalidBatchShape(text)
        }
        try self.init(identities: p, imagesPerIdentity: k)
    }

    /// Images per batch, P · K.
    public var size: Int { identities * imagesPerIdentity }

    /// `"PxK"`.
    public var description: String { "\(identities)x\(imagesPerIdentity)" }
}

/// Deals a dataset into P × K batches.
///
/// One epoch visits every identity with at least two images once, in random order, P per
/// batch (the last batch is topped up with other identities so every batch has P). Each
/// visit takes K of the identity's images without repetition, reusing images only when the
/// identity has fewer than K.
public struct BatchSampler: Sendable {
    /// The batch shape.
    public let shape: BatchShape
    /// Indices of the identities that can give anchor–positive pairs.
    public let eligible: [Int]
    private let imageCounts: [Int]

    /// Prepares batches of `dataset`.
    /// - Throws: ``TrainingError/notEnoughIdentities(path:found:needed:)`` when fewer than P
    ///   identities have two or more images.
    public init(dataset: FaceDataset, shape: BatchShape, label: String = "the dataset") throws {
        self.shape = shape
        let counts = dataset.identities.map(\.images.count)
        imageCounts = counts
        eligible = counts.indices.filter { counts[$0] >= 2 }
        guard eligible.count >= shape.identities else {
            throw TrainingError.notEnoughIdentities(path: label, found: eligible.count, needed: shape.identities)
        }
    }

    /// Batches per epoch.
    public var batchesPerEpoch: Int { (eligible.count + shape.identities - 1) / shape.identities }

    /// The batches of one epoch; the labels of a batch are its images' identity indices.
    public func epoch<G: RandomNumberGenerator>(using generator: inout G) -> [[ImageRef]] {
        let order = eligible.shuffled(using: &generator)
        var batches: [[ImageRef]] = []
        var start = 0
        while start < order.count {
            var group = Array(order[start..<min(start + shape.identities, order.count)])
            if group.count < shape.identities {
                let others = eligible.filter { !group.contains($0) }.shuffled(using: &generator)
                group += others.prefix(shape.identities - group.count)
            }
            batches.append(group.flatMap { identity in images(of: identity, using: &generator) })
            start += shape.identities
        }
        return batches
    }

    /// K images of one identity.
    private func images<G: RandomNumberGenerator>(of identity: Int, using generator: inout G) -> [ImageRef] {
        var picked: [Int] = []
        while picked.count < shape.imagesPerIdentity {
            picked += Array(0..<imageCounts[identity]).shuffled(using: &generator)
        }
        return picked.prefix(shape.imagesPerIdentity).map { ImageRef(identity: identity, image: $0) }
    }
}
