import XCTest
import VisageNN
import VisageTraining

/// Embedding validation images, with and without test-time flip and shift averaging.
final class ValidationSetTests: XCTestCase {
    /// Two 2 × 2 images: one mirror-symmetric, one not.
    private func set() -> ValidationSet {
        let symmetric: [UInt8] = [10, 10, 200, 200, 10, 10, 200, 200, 10, 10, 200, 200]
        let lopsided: [UInt8] = [250, 0, 0, 0, 250, 0, 0, 0, 250, 0, 0, 0]
        return ValidationSet(inputSize: 2, images: [symmetric, lopsided], pairs: [.init(first: 0, second: 1, same: false)])
    }

    func testFlipAveragingIsTheNormalisedMeanOfBothEmbeddings() throws {
        // The network is the image itself, flattened and scaled to unit length.
        let network = Sequential([Flatten(), L2Normalize()])
        var validation = set()
        let plain = validation.embed(network)
        validation.averagesFlips = true
        let averaged = validation.embed(network)
        // The symmetric image is its own mirror image: nothing changes.
        for (a, b) in zip(plain[0], averaged[0]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // The lopsided one: the mean of it and its mirror image, at unit length.
        let image = plain[1]
        var mirrored = image
        for row in 0..<(image.count / 2) { mirrored.swapAt(2 * row, 2 * row + 1) }
        let sum = zip(image, mirrored).map { $0 + $1 }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        XCTAssertNotEqual(plain[1], averaged[1])
        for (a, b) in zip(sum.map { $0 / norm }, averaged[1]) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(averaged[1].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
    }

    func testShiftAveragingIsTheNormalisedMeanOfTheShiftedViews() throws {
        // One 3 × 3 image (the same in every channel); the network is the image at unit length.
        let plane: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map { $0 * 20 }
        var validation = ValidationSet(inputSize: 3, images: [plane + plane + plane], pairs: [])
        let network = Sequential([Flatten(), L2Normalize()])
        let plain = validation.embed(network)[0]
        validation.shiftAverage = 1
        let averaged = validation.embed(network)[0]
        // A view shifted by (dx, dy) shows pixel (x + dx, y + dy), edges repeating.
        func view(_ dx: Int, _ dy: Int, mirrored: Bool = false) -> [Float] {
            var v: [Float] = []
            for y in 0..<3 {
                for x in 0..<3 {
                    let sx = min(max(x + dx, 0), 2), sy = min(max(y + dy, 0), 2)
                    v.append(Float(plane[sy * 3 + (mirrored ? 2 - sx : sx)]) / 255)
                }
            }
            return v + v + v
        }
        XCTAssertEqual(view(1, 0).prefix(3), [Float(40), 60, 60].map { $0 / 255 }[...])
        func unit(_ v: [Float]) -> [Float] {
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
        func normalisedMean(_ views: [[Float]]) -> [Float] {
            unit(views.map(unit).reduce([Float](repeating: 0, count: 27)) { zip($0, $1).map { $0 + $1 } })
        }
        let shifts = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)]
        let expected = normalisedMean(shifts.map { view($0.0, $0.1) })
        XCTAssertNotEqual(plain, averaged)
        for (a, b) in zip(expected, averaged) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        // With flips as well: every view and its mirror image (ten in all).
        validation.averagesFlips = true
        let both = validation.embed(network)[0]
        // The mirror of a shifted image is the shifted mirror image with dx turned around.
        let expectedBoth = normalisedMean(shifts.flatMap { [view($0.0, $0.1), view(-$0.0, $0.1, mirrored: true)] })
        for (a, b) in zip(expectedBoth, both) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }
}
