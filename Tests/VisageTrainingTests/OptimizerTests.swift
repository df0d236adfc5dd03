import XCTest
import VisageNN
import VisageTraining

final class OptimizerTests: XCTestCase {
    private func parameters() -> (weight: Parameter, bias: Parameter, statistic: Parameter) {
        let w = Parameter(key: "w", value: Tensor(shape: [2], storage: [1, -2]))
        let b = Parameter(key: "b", value: Tensor(shape: [1], storage: [0.5]), role: .bias)
        let s = Parameter(key: "s", value: Tensor(shape: [1], storage: [3]), role: .statistic)
        w.gradient = Tensor(shape: [2], storage: [0.5, 0.25])
        b.gradient = Tensor(shape: [1], storage: [-1])
        return (w, b, s)
    }

    func testSGDMomentumAndWeightDecayOnKernelsOnly() {
        let (w, b, s) = parameters()
        var sgd = SGD(momentum: 0.9, weightDecay: 0.1)
        sgd.step([w, b, s], learningRate: 0.1)
        // v = g + λw = [0.6, 0.05]; w − 0.1 v.
        XCTAssertEqual(w.value.storage[0], 0.94, accuracy: 1e-6)
        XCTAssertEqual(w.value.storage[1], -2.005, accuracy: 1e-6)
        XCTAssertEqual(b.value.storage[0], 0.6, accuracy: 1e-6)  // no decay on biases
        XCTAssertEqual(s.value.storage[0], 3)  // statistics are not trained
        sgd.step([w, b, s], learningRate: 0.1)
        // v = 0.9 · 0.6 + 0.5 + 0.1 · 0.94 = 1.134.
        XCTAssertEqual(w.value.storage[0], 0.94 - 0.1134, accuracy: 1e-6)
        XCTAssertEqual(sgd.stepCount, 2)
    }

    func testAdamFirstStepIsTheLearningRateTimesTheSign() {
        let (w, b, s) = parameters()
        var adam = Adam()
        adam.step([w, b, s], learningRate: 0.01)
        XCTAssertEqual(w.value.storage[0], 0.99, accuracy: 1e-6)
        XCTAssertEqual(w.value.storage[1], -2.01, accuracy: 1e-6)
        XCTAssertEqual(b.value.storage[0], 0.51, accuracy: 1e-6)
        XCTAssertEqual(s.value.storage[0], 3)
    }

    func testStateRoundTripContinuesIdentically() throws {
        let (w1, b1, _) = parameters()
        let (w2, b2, _) = parameters()
        var a = Adam(weightDecay: 0.01)
        a.step([w1, b1], learningRate: 0.01)
        var b = Adam(weightDecay: 0.01)
        try b.restore(a.state, stepCount: a.stepCount)
        w2.value = w1.value
        b2.value = b1.value
        a.step([w1, b1], learningRate: 0.01)
        b.step([w2, b2], learningRate: 0.01)
        XCTAssertEqual(w1.value, w2.value)
        XCTAssertEqual(b1.value, b2.value)
        XCTAssertEqual(Set(a.state.keys), ["w/m", "w/v", "b/m", "b/v"])
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.constant.multiplier(step: 7, stepsPerEpoch: 5, totalSteps: 50), 1)
        let cosine = LearningRateSchedule.cosine(floor: 0.1)
        XCTAssertEqual(cosine.multiplier(step: 0, stepsPerEpoch: 5, totalSteps: 50), 1, accuracy: 1e-6)
        XCTAssertEqual(cosine.multiplier(step: 25, stepsPerEpoch: 5, totalSteps: 50), 0.55, accuracy: 1e-6)
        XCTAssertEqual(cosine.multiplier(step: 50, stepsPerEpoch: 5, totalSteps: 50), 0.1, accuracy: 1e-6)
        let step = LearningRateSchedule.step(epochs: 2, factor: 0.5)
        XCTAssertEqual(step.multiplier(step: 9, stepsPerEpoch: 5, totalSteps: 50), 1)
        XCTAssertEqual(step.multiplier(step: 10, stepsPerEpoch: 5, totalSteps: 50), 0.5)
        XCTAssertEqual(step.multiplier(step: 20, stepsPerEpoch: 5, totalSteps: 50), 0.25)
        XCTAssertEqual(LearningRateSchedule.constant.multiplier(step: 1, stepsPerEpoch: 5, totalSteps: 50, warmupSteps: 4), 0.5)
    }
}
