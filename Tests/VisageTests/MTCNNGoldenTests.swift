import Visage
import VisageImage
import VisageTestSupport
import XCTest

/// Visage's MTCNN against facenet-pytorch 2.6.0 on CPU (MTCNNGoldenData.swift, made by
/// Benchmarks/reference/mtcnn_reference.py): the same faces, boxes and landmarks within 1 px,
/// scores within 1e-3.
final class MTCNNGoldenTests: XCTestCase {
    func testMatchesFacenetPyTorch() throws {
        let detector = try MTCNNTestSupport.detector()
        var compared = 0
        var worst = (box: 0.0, score: 0.0, landmark: 0.0)
        for reference in MTCNNGoldenData.images {
            let image = try MTCNNTestSupport.image(reference.path)
            let found = detector.detect(in: image)
            XCTAssertEqual(found.count, reference.faces.count, "\(reference.name): number of faces")
            guard found.count == reference.faces.count else { continue }
            for (k, (face, expected)) in zip(found, reference.faces).enumerated() {
                let label = "\(reference.name) face \(k)"
                let box = [face.left, face.top, face.right, face.bottom]
                for (a, b) in zip(box, expected.box) {
                    XCTAssertEqual(a, b, accuracy: 1, "\(label) box")
                    worst.box = max(worst.box, abs(a - b))
                }
                XCTAssertEqual(Double(face.score), expected.score, accuracy: 1e-3, "\(label) score")
                worst.score = max(worst.score, abs(Double(face.score) - expected.score))
                let marks = face.landmarks.map(\.x) + face.landmarks.map(\.y)
                XCTAssertEqual(marks.count, 10, label)
                for (a, b) in zip(marks, expected.landmarks) {
                    XCTAssertEqual(a, b, accuracy: 1, "\(label) landmarks")
                    worst.landmark = max(worst.landmark, abs(a - b))
                }
                compared += 1
            }
        }
        print("MTCNN vs facenet-pytorch over \(compared) faces: largest differences box \(worst.box) px, "
              + "score \(worst.score), landmark \(worst.landmark) px")
        XCTAssertGreaterThanOrEqual(compared, 20, "the references hold at least 20 faces")
    }
}
