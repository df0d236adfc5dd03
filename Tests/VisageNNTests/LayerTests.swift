import XCTest
import VisageNN

final class PoolTests: XCTestCase {
    let x = Tensor(shape: [1, 1, 4, 4], storage: (1...16).map(Float.init))

    func testMaxPoolValid() {
        let y = Pool2D.max(2, stride: 2).forward(x)
        XCTAssertEqual(y.storage, [6, 8, 14, 16])
    }

    func testMaxPoolCeilModeAddsPartialWindows() {
        // 4 wide, k 3, s 2: floor → 1, ceil → 2 (the second window is clipped).
        XCTAssertEqual(Pool2D.max(3, stride: 2).outputShape(for: [1, 1, 4, 4]), [1, 1, 1, 1])
        let y = Pool2D.max(3, stride: 2, ceilMode: true).forward(x)
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.storage, [11, 12, 15, 16])
    }

    func testCeilModeDropsWindowStartingInPadding() {
        // Torch rule: 5 wide, k 2, s 2, pad 1: ceil((5+2−2)/2)+1 = 4, last starts at 6 ≥ 5+1 → 3.
        let p = Pool2D(.max, kernel: (2, 2), stride: (2, 2), padding: .explicit(Padding(1)), ceilMode: true)
        XCTAssertEqual(p.outputShape(for: [1, 1, 5, 5]), [1, 1, 3, 3])
    }

    func testAveragePoolDividesByInImageCount() {
        let p = Pool2D.average(3, stride: 1, padding: .explicit(Padding(1)))
        let y = p.forward(x)
        // Corner: mean of 1, 2, 5, 6.
        XCTAssertEqual(y[0, 0, 0, 0], 3.5)
        let q = Pool2D(.average(countsPadding: true), kernel: (3, 3), stride: (1, 1), padding: .explicit(Padding(1)))
        XCTAssertEqual(q.forward(x)[0, 0, 0, 0], 14 / 9, accuracy: 1e-6)
    }

    func testGlobalAverage() {
        XCTAssertEqual(GlobalAveragePool().forward(x).storage, [8.5])
    }
}

final class ElementwiseTests: XCTestCase {
    func testBatchNormAsAffine() {
        let bn = ChannelAffine.batchNorm(gamma: [2], beta: [1], mean: [3], variance: [3.999], epsilon: 1e-3)
        let y = bn.forward(Tensor(shape: [1, 1, 1, 2], storage: [3, 5]))
        XCTAssertEqual(y.storage[0], 1, accuracy: 1e-6)
        XCTAssertEqual(y.storage[1], 3, accuracy: 1e-6)
    }

    func testZeroPadAsymmetric() {
        let y = ZeroPad2D(Padding(top: 0, bottom: 1, left: 1, right: 0))
            .forward(Tensor(shape: [1, 1, 1, 2], storage: [7, 8]))
        XCTAssertEqual(y.shape, [1, 1, 2, 3])
        XCTAssertEqual(y.storage, [0, 7, 8, 0, 0, 0])
    }

    func testConcatenateChannels() {
        let a = Tensor(shape: [2, 1, 1, 1], storage: [1, 2])
        let b = Tensor(shape: [2, 2, 1, 1], storage: [3, 4, 5, 6])
        XCTAssertEqual(Branches.concatenateChannels([a, b]).storage, [1, 3, 4, 2, 5, 6])
    }

    func testDense() {
        let d = Dense(weight: Tensor(shape: [2, 3], storage: [1, 0, 0, 1, 1, 1]),
                      bias: Tensor(shape: [2], storage: [0, 10]))
        let y = d.forward(Tensor(shape: [2, 3], storage: [1, 2, 3, 4, 5, 6]))
        XCTAssertEqual(y.storage, [1, 16, 4, 25])
    }

    func testL2Normalize() {
        let y = L2Normalize().forward(Tensor(shape: [1, 2], storage: [3, 4]))
        XCTAssertEqual(y.storage, [0.6, 0.8])
    }

    func testResidualAddsMismatchedShapesTopLeftAligned() {
        let a = Tensor(shape: [1, 1, 2, 2], storage: [1, 1, 1, 1])
        let b = Tensor(shape: [1, 2, 1, 1], storage: [5, 7])
        let y = Residual.add(a, b)
        XCTAssertEqual(y.shape, [1, 2, 2, 2])
        XCTAssertEqual(y.storage, [6, 1, 1, 1, 7, 0, 0, 0])
    }

    func testScaledResidualWithReLU() {
        let body = ChannelAffine(scale: [-10], shift: [0])
        let r = Residual(body: body, scale: 0.17, activation: .relu)
        let y = r.forward(Tensor(shape: [1, 1, 1, 2], storage: [1, 2]))
        XCTAssertEqual(y.storage[0], 0)  // 1 − 1.7 < 0
        XCTAssertEqual(r.forward(Tensor(shape: [1, 1, 1, 1], storage: [-1])).storage[0], 0.7, accuracy: 1e-6)
    }

    func testPReLUAndSoftmax() {
        let y = PReLU(slope: [0.25]).forward(Tensor(shape: [1, 1, 1, 2], storage: [-4, 4]))
        XCTAssertEqual(y.storage, [-1, 4])
        let s = ChannelSoftmax().forward(Tensor(shape: [1, 2, 1, 1], storage: [0, 0]))
        XCTAssertEqual(s.storage, [0.5, 0.5])
    }

    func testBackendLoadsAKernel() {
        let info = Backend.info
        XCTAssertGreaterThanOrEqual(info.threads, 1)
        XCTAssertFalse(info.coreName.isEmpty)
        XCTAssertNotEqual(info.coreName, "Prescott", "OpenBLAS fell back to generic kernels: \(info)")
    }
}
