import XCTest
import VisageFormats
import VisageTestSupport
import VisageTraining

final class FaceDatasetTests: XCTestCase {
    func testATTLoadsInNaturalOrderAsRGBPlanes() throws {
        let data = try FaceDataset.load(directory: TestData.shared("att-orl-faces"), inputSize: 96)
        XCTAssertEqual(data.identities.count, 40)
        XCTAssertEqual(data.imageCount, 400)
        XCTAssertEqual(Array(data.identities.prefix(3).map(\.name)), ["s1", "s2", "s3"])
        XCTAssertEqual(data.identities[0].files.map(\.lastPathComponent).prefix(3), ["1.pgm", "2.pgm", "3.pgm"])
        let planes = data.identities[0].images[0]
        XCTAssertEqual(planes.count, 3 * 96 * 96)
        XCTAssertEqual(Array(planes[0..<(96 * 96)]), Array(planes[(96 * 96)..<(2 * 96 * 96)]), "grey is replicated to RGB")
        let held = data.filter { Int($0.name.dropFirst())! > 30 }
        XCTAssertEqual(held.identities.map(\.name).first, "s31")
        XCTAssertEqual(ValidationSet(allPairsOf: held).pairs.count, 100 * 99 / 2)
    }

    func testEpochVisitsEveryIdentityOnceWithKImages() throws {
        let data = SyntheticIdentitiesTests.syntheticDataset(identities: 7, images: 3, seed: 1)
        let sampler = try BatchSampler(dataset: data, shape: try BatchShape(parsing: "3x4"))
        var g = SplitMix64(seed: 4)
        let batches = sampler.epoch(using: &g)
        XCTAssertEqual(batches.count, 3)
        XCTAssertTrue(batches.allSatisfy { $0.count == 12 })
        XCTAssertEqual(Set(batches.flatMap { $0.map(\.identity) }), Set(0..<7))
        XCTAssertEqual(Set(batches[0].map(\.identity)).count, 3)
        for identity in Set(batches[0].map(\.identity)) {
            // 3 images, K = 4: all three, then one repeat.
            XCTAssertEqual(Set(batches[0].filter { $0.identity == identity }.map(\.image)), [0, 1, 2])
        }
        XCTAssertThrowsError(try BatchShape(parsing: "1x10"))
        XCTAssertThrowsError(try BatchSampler(dataset: data, shape: try BatchShape(parsing: "8x2")))
    }

    func testFlipAndJitter() {
        let size = 4
        let planes = (0..<(3 * size * size)).map { UInt8($0) }
        var out = [Float](repeating: 0, count: planes.count)
        var g = SplitMix64(seed: 1)
        out.withUnsafeMutableBufferPointer { Augmentation.none.apply(planes, size: size, into: $0.baseAddress!, using: &g) }
        XCTAssertEqual(out, planes.map { Float($0) / 255 })
        var flipped = 0
        for seed in 0..<16 {
            var g = SplitMix64(seed: UInt64(seed))
            out.withUnsafeMutableBufferPointer {
                Augmentation(horizontalFlip: true, maxShift: 0).apply(planes, size: size, into: $0.baseAddress!, using: &g)
            }
            if out[0] == Float(planes[3]) / 255 { flipped += 1 } else { XCTAssertEqual(out[0], 0) }
        }
        XCTAssertTrue((3...13).contains(flipped), "about half the images flip, got \(flipped)/16")
        var g2 = SplitMix64(seed: 2)
        out.withUnsafeMutableBufferPointer {
            Augmentation(horizontalFlip: false, maxShift: 1).apply(planes, size: size, into: $0.baseAddress!, using: &g2)
        }
        // Every output value comes from the image, shifted by at most one pixel.
        XCTAssertTrue(out.allSatisfy { v in planes.contains { Float($0) / 255 == v } })
    }

    func testRandomErasingFillsOneRectangleWithTheChannelMean() {
        let size = 32
        // A checkerboard per channel (0 and 255, the three channels offset): every channel's
        // mean is exactly 0.5, which no pixel has.
        let planes = (0..<(3 * size * size)).map { i -> UInt8 in
            let c = i / (size * size), y = (i / size) % size, x = i % size
            return (x + y + c) % 2 == 0 ? 255 : 0
        }
        var out = [Float](repeating: 0, count: planes.count)
        var erased = 0
        for seed in 0..<40 {
            var g = SplitMix64(seed: UInt64(seed))
            out.withUnsafeMutableBufferPointer {
                Augmentation(horizontalFlip: false, maxShift: 0, erasing: 0.5).apply(planes, size: size, into: $0.baseAddress!, using: &g)
            }
            // The changed pixels form one axis-aligned rectangle, the same in every channel,
            // covering 2–25 % of the image (up to rounding of its sides), all at the mean.
            var rows = Set<Int>(), cols = Set<Int>(), changed = 0
            for c in 0..<3 {
                for y in 0..<size {
                    for x in 0..<size where out[(c * size + y) * size + x] != Float(planes[(c * size + y) * size + x]) / 255 {
                        XCTAssertEqual(out[(c * size + y) * size + x], 0.5, "seed \(seed)")
                        rows.insert(y); cols.insert(x); changed += 1
                    }
                }
            }
            guard changed > 0 else { continue }
            erased += 1
            XCTAssertEqual(rows.count, rows.max()! - rows.min()! + 1, "seed \(seed): contiguous rows")
            XCTAssertEqual(cols.count, cols.max()! - cols.min()! + 1, "seed \(seed): contiguous columns")
            XCTAssertEqual(changed, rows.count * cols.count * 3, "seed \(seed): a full rectangle in every channel")
            let area = Double(rows.count * cols.count) / Double(size * size)
            XCTAssertTrue((0.01...0.3).contains(area), "seed \(seed): area \(area)")
        }
        XCTAssertTrue((8...32).contains(erased), "about half the images erased, got \(erased)/40")
        // Off (the default), no random number is drawn for it.
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        out.withUnsafeMutableBufferPointer { Augmentation.light.apply(planes, size: size, into: $0.baseAddress!, using: &a) }
        // `light` draws the flip and the two shifts only, as before erasing existed (same seeds, same runs).
        _ = Bool.random(using: &b)
        _ = Int.random(in: -4...4, using: &b)
        _ = Int.random(in: -4...4, using: &b)
        XCTAssertEqual(a.next(), b.next())
    }
}
