import XCTest
import VisageNN
import VisageTestSupport

final class TripletLossTests: XCTestCase {
    private func tensor(_ rows: [[Double]]) -> Tensor {
        Tensor(shape: [rows.count, rows[0].count], storage: rows.flatMap { $0.map(Float.init) })
    }

    func testNotebookCasesFromReference() throws {
        let json = try TestData.json(TestData.shared("reference/triplet_loss.json")) as! [String: Any]
        for key in ["tf2_notebook_2021", "tf1_notebook_v3_v3a"] {
            let c = json[key] as! [String: Any]
            func t(_ name: String) -> Tensor {
                Tensor(shape: [3, 128], storage: (c[name] as! [Double]).map(Float.init))
            }
            let terms = TripletLoss(alpha: 0.2).evaluate(anchor: t("anchor"), positive: t("positive"), negative: t("negative"))
            let expected = Float(c["reproduced_loss_float32"] as! Double)
            XCTAssertEqual(terms.loss, expected, accuracy: 1e-3, key)
            for (a, b) in zip(terms.basic, (c["basic_loss"] as! [Double]).map(Float.init)) {
                XCTAssertEqual(a, b, accuracy: 2e-3, key)
            }
        }
    }

    func testSmallDeterministicVector() throws {
        let json = try TestData.json(TestData.shared("reference/triplet_loss.json")) as! [String: Any]
        let c = json["small_deterministic"] as! [String: Any]
        let terms = TripletLoss(alpha: Float(c["alpha"] as! Double)).evaluate(
            anchor: tensor(c["anchor"] as! [[Double]]), positive: tensor(c["positive"] as! [[Double]]),
            negative: tensor(c["negative"] as! [[Double]]))
        let f32 = c["float32"] as! [String: Any]
        XCTAssertEqual(terms.loss, Float(f32["loss"] as! Double), accuracy: 1e-6)
        XCTAssertEqual(terms.activeFraction, 2.0 / 3.0, accuracy: 1e-6)
    }

    func testNotebookExtraAsserts() throws {
        let json = try TestData.json(TestData.shared("reference/triplet_loss.json")) as! [String: Any]
        for case let item as [String: Any] in json["notebook_extra_asserts_2021"] as! [Any] {
            // Each of the three is one encoding [D] or a batch [M, D].
            let parts = (item["y_pred"] as! [Any]).map { part -> Tensor in
                if let batch = part as? [[Double]] { return tensor(batch) }
                return tensor([part as! [Double]])
            }
            let loss = TripletLoss(alpha: Float(item["alpha"] as! Double))(
                anchor: parts[0], positive: parts[1], negative: parts[2])
            XCTAssertEqual(loss, Float(item["loss"] as! Double), accuracy: 1e-6)
        }
    }

    func testGradientMatchesFiniteDifferences() {
        let a = tensor([[0.1, 0.2], [1, 0]]), p = tensor([[0.3, 0.1], [0, 1]]), n = tensor([[0.2, 0.25], [1, 0.2]])
        let loss = TripletLoss(alpha: 0.2)
        let g = loss.gradient(anchor: a, positive: p, negative: n)
        let h: Float = 1e-3
        for (which, grad) in [(0, g.anchor), (1, g.positive), (2, g.negative)] {
            for k in 0..<a.count {
                var inputs = [a, p, n]
                inputs[which].storage[k] += h
                let up = loss(anchor: inputs[0], positive: inputs[1], negative: inputs[2])
                inputs[which].storage[k] -= 2 * h
                let down = loss(anchor: inputs[0], positive: inputs[1], negative: inputs[2])
                XCTAssertEqual(grad.storage[k], (up - down) / (2 * h), accuracy: 2e-2)
            }
        }
    }
}
