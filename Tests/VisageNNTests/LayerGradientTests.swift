import XCTest
import VisageNN

/// Every trainable layer passes the shared numerical gradient check (dlib's `test_layer`).
final class LayerGradientTests: XCTestCase {
    private func conv(_ o: Int, _ i: Int, _ k: Int, stride: Int = 1, padding: PaddingMode = .explicit(.zero),
                      bias: Bool = true, seed: UInt64 = 3) -> Conv2D.Trainable {
        Conv2D.Trainable(Conv2D(weight: randomTensor([o, i, k, k], seed: seed, range: 0.5),
                                bias: bias ? randomTensor([o], seed: seed + 1) : nil,
                                stride: (stride, stride), padding: padding),
                         weightKey: "w", biasKey: "b")
    }

    func testConvolutionStridedAsymmetricPadding() {
        let layer = conv(3, 2, 3, stride: 2, padding: .explicit(Padding(top: 1, bottom: 2, left: 0, right: 1)))
        assertGradients(layer, randomTensor([2, 2, 7, 6], seed: 11))
    }

    func testConvolutionPointwiseWithoutBias() {
        assertGradients(conv(4, 3, 1, bias: false), randomTensor([3, 3, 4, 5], seed: 12))
    }

    func testConvolutionSamePadding() {
        assertGradients(conv(2, 2, 5, stride: 2, padding: .same), randomTensor([1, 2, 9, 8], seed: 13))
    }

    func testConvolutionWithoutInputGradientReturnsZeros() {
        let layer = conv(2, 2, 3)
        layer.computesInputGradient = false
        let x = randomTensor([1, 2, 5, 5], seed: 1)
        let y = layer.forward(x, mode: .training)
        let dx = layer.backward(Tensor(shape: y.shape, repeating: 1))
        XCTAssertEqual(dx.shape, x.shape)
        XCTAssertTrue(dx.storage.allSatisfy { $0 == 0 })
        XCTAssertTrue(layer.weight.gradient.storage.contains { $0 != 0 })
    }

    func testBatchNormImagesAndVectors() {
        let keys = (gamma: "g", beta: "b", mean: "m", variance: "v")
        let bn = BatchNorm(channels: 3, keys: keys)
        bn.gamma.value = Tensor(shape: [3], storage: [0.5, 1.5, -1])
        bn.beta.value = Tensor(shape: [3], storage: [0.1, -0.2, 0.3])
        assertGradients(bn, randomTensor([4, 3, 2, 3], seed: 21, range: 2))
        assertGradients(BatchNorm(channels: 5, keys: keys, epsilon: 1e-3), randomTensor([6, 5], seed: 22))
    }

    func testBatchNormWithFusedReLU() {
        let bn = BatchNorm(channels: 2, keys: ("g", "b", "m", "v"), activation: .relu)
        bn.gamma.value = Tensor(shape: [2], storage: [1.5, -0.5])
        bn.beta.value = Tensor(shape: [2], storage: [0.2, 0.1])
        let x = kinkFreeInput([3, 2, 3, 3], seed: 5)
        // Keep every pre-activation away from the kink so a ±h nudge cannot cross it.
        let pre = BatchNorm(channels: 2, keys: ("g", "b", "m", "v"))
        pre.gamma.value = bn.gamma.value
        pre.beta.value = bn.beta.value
        let zt = pre.forward(x, mode: .training)
        XCTAssertTrue(zt.storage.allSatisfy { abs($0) > 0.03 }, "input too close to the ReLU kink")
        XCTAssertTrue(zt.storage.contains { $0 < 0 } && zt.storage.contains { $0 > 0 })
        assertGradients(bn, x, step: 5e-3)
        let y = BatchNorm(channels: 2, keys: ("g", "b", "m", "v"), activation: .relu)
        y.gamma.value = bn.gamma.value
        y.beta.value = bn.beta.value
        for (a, b) in zip(y.forward(x, mode: .training).storage, zt.storage) { XCTAssertEqual(a, max(b, 0), accuracy: 1e-5) }
    }

    func testChannelAffineWithAndWithoutReLU() {
        let affine = ChannelAffine(scale: [0.5, -2], shift: [0.3, 0.1])
        assertGradients(ChannelAffine.Trainable(affine, keys: ("s", "t")), randomTensor([2, 2, 3, 3], seed: 31))
        let relu = ChannelAffine(scale: [1, 1], shift: [0, 0], activation: .relu)
        assertGradients(ChannelAffine.Trainable(relu, keys: ("s", "t")), kinkFreeInput([2, 2, 3, 3]))
    }

    func testReLU() {
        assertGradients(ReLU.Trainable(), kinkFreeInput([2, 3, 4, 4]))
    }

    func testMaxPoolingWithPaddingAndCeilMode() {
        assertGradients(Pool2D.Trainable(.max(3, stride: 2)), kinkFreeInput([2, 2, 7, 7]))
        let padded = Pool2D(.max, kernel: (2, 3), stride: (2, 2), padding: .explicit(Padding(1)), ceilMode: true)
        assertGradients(Pool2D.Trainable(padded), kinkFreeInput([1, 2, 6, 7], seed: 9))
    }

    func testMaxPoolingOverWideRows() {
        // Rows wide enough for eight windows side by side, strides 1 and 2, with padding.
        assertGradients(Pool2D.Trainable(.max(3, stride: 2)), kinkFreeInput([1, 2, 5, 21], seed: 10))
        assertGradients(Pool2D.Trainable(.max(3, stride: 1, padding: .explicit(Padding(1)))),
                        kinkFreeInput([1, 1, 4, 19], seed: 11))
    }

    func testMaxPoolingTrainingMatchesInferenceAndRoutesToTheFirstLargest() {
        // Coarse values make ties; the gradient of each output goes to the first largest input of
        // its window in row-major order, whatever path (eight-wide or one by one) found it.
        let geometries: [(Pool2D, [Int])] = [
            (.max(3, stride: 2), [2, 3, 9, 40]),
            (.max(3, stride: 1, padding: .explicit(Padding(1))), [1, 2, 7, 23]),
            (.max(2, stride: 2, ceilMode: true), [1, 2, 7, 35]),
            (Pool2D(.max, kernel: (3, 2), stride: (1, 3), padding: .explicit(Padding(top: 1, bottom: 0, left: 2, right: 1))), [1, 1, 6, 50]),
        ]
        for (pool, shape) in geometries {
            var rng = TestRandom(31)
            let x = Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in Float(Int.random(in: -3...3, using: &rng)) })
            let layer = Pool2D.Trainable(pool)
            let y = layer.forward(x, mode: .training)
            XCTAssertEqual(y.storage, pool.forward(x).storage, "\(pool.kernel) / \(pool.stride) on \(shape)")
            let dy = randomTensor(y.shape, seed: 32)
            let dx = layer.backward(dy)
            // The reference: scan every window in row-major order for its first largest value.
            var expected = [Float](repeating: 0, count: x.count)
            let (h, w, ho, wo) = (shape[2], shape[3], y.h, y.w)
            let pad = pool.padding.resolve(h: h, w: w, kh: pool.kernel.h, kw: pool.kernel.w, sy: pool.stride.y, sx: pool.stride.x)
            for plane in 0..<(shape[0] * shape[1]) {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var at = -1
                        for yy in max(0, oy * pool.stride.y - pad.top)..<min(h, oy * pool.stride.y - pad.top + pool.kernel.h) {
                            for xx in max(0, ox * pool.stride.x - pad.left)..<min(w, ox * pool.stride.x - pad.left + pool.kernel.w) {
                                let i = plane * h * w + yy * w + xx
                                if at < 0 || x.storage[i] > x.storage[at] { at = i }
                            }
                        }
                        if at >= 0 { expected[at] += dy.storage[(plane * ho + oy) * wo + ox] }
                    }
                }
            }
            XCTAssertEqual(dx.storage, expected, "\(pool.kernel) / \(pool.stride) on \(shape)")
        }
    }

    func testAveragePoolingBothDivisors() {
        assertGradients(Pool2D.Trainable(.average(3, stride: 3)), randomTensor([2, 2, 7, 7], seed: 41))
        let counting = Pool2D(.average(countsPadding: true), kernel: (3, 3), stride: (1, 1), padding: .explicit(Padding(1)))
        assertGradients(Pool2D.Trainable(counting), randomTensor([1, 2, 4, 5], seed: 42))
        assertGradients(Pool2D.Trainable(.average(3, stride: 2, padding: .same)), randomTensor([1, 1, 6, 6], seed: 43))
    }

    func testGlobalAveragePooling() {
        assertGradients(GlobalAveragePool.Trainable(), randomTensor([3, 2, 3, 4], seed: 51))
    }

    func testZeroPaddingAndFlatten() {
        assertGradients(ZeroPad2D.Trainable(Padding(top: 3, bottom: 4, left: 0, right: 1)), randomTensor([2, 2, 3, 3], seed: 61))
        assertGradients(Flatten.Trainable(), randomTensor([2, 3, 2, 2], seed: 62))
    }

    func testConcatenation() {
        let branches = Branches.Trainable([
            conv(2, 3, 1, seed: 5),
            Sequential.Trainable([Pool2D.Trainable(.average(3, stride: 1, padding: .explicit(Padding(1)))), conv(1, 3, 1, seed: 6)]),
            conv(3, 3, 3, padding: .explicit(Padding(1)), seed: 7),
        ])
        assertGradients(branches, randomTensor([2, 3, 5, 5], seed: 71))
    }

    func testDense() {
        let dense = Dense(weight: randomTensor([4, 12], seed: 81), bias: randomTensor([4], seed: 82))
        assertGradients(Dense.Trainable(dense, weightKey: "w", biasKey: "b"), randomTensor([3, 3, 2, 2], seed: 83))
        assertGradients(Dense.Trainable(Dense(weight: randomTensor([2, 5], seed: 84)), weightKey: "w"), randomTensor([2, 5], seed: 85))
    }

    func testL2Normalisation() {
        assertGradients(L2Normalize.Trainable(), randomTensor([3, 6], seed: 91))
    }

    func testResidualSameShapeScaled() {
        let block = Residual.Trainable(body: Sequential.Trainable([conv(3, 3, 3, padding: .explicit(Padding(1)))]),
                                       scale: 0.5, activation: .identity)
        assertGradients(block, randomTensor([2, 3, 4, 4], seed: 101))
    }

    func testResidualMismatchedShapesFollowDlib() {
        // Identity shortcut [2, 2, 6, 6] plus a strided body [2, 4, 3, 3]: the sum is [2, 4, 6, 6].
        let block = Residual.Trainable(body: conv(4, 2, 3, stride: 2, padding: .explicit(Padding(1))), activation: .identity)
        let x = randomTensor([2, 2, 6, 6], seed: 111)
        XCTAssertEqual(block.forward(x, mode: .inference).shape, [2, 4, 6, 6])
        assertGradients(block, x)
        let pooled = Residual.Trainable(body: conv(4, 2, 3, stride: 2, padding: .explicit(Padding(1))),
                                        shortcut: Pool2D.Trainable(.average(2, stride: 2)), activation: .identity)
        assertGradients(pooled, x)
    }

    func testBackwardAccumulates() {
        let layer = conv(2, 2, 3)
        let x = randomTensor([1, 2, 4, 4], seed: 5)
        let dy = Tensor(shape: layer.forward(x, mode: .inference).shape, repeating: 1)
        _ = layer.forward(x, mode: .training)
        _ = layer.backward(dy)
        let once = layer.weight.gradient
        _ = layer.forward(x, mode: .training)
        _ = layer.backward(dy)
        for (a, b) in zip(layer.weight.gradient.storage, once.storage) { XCTAssertEqual(a, 2 * b, accuracy: 1e-5) }
        layer.zeroGradients()
        XCTAssertTrue(layer.weight.gradient.storage.allSatisfy { $0 == 0 })
    }
}
