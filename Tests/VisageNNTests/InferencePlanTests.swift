import XCTest
import VisageNN

/// The compiled plan (channel-major, whole-batch sgemms) must compute what the layers compute
/// one by one, for every layer kind it supports and for the shapes that take special paths.
final class InferencePlanTests: XCTestCase {
    private var seed: UInt64 = 1

    private func conv(_ o: Int, _ i: Int, _ kh: Int, _ kw: Int, stride: Int = 1, padding: PaddingMode = .same,
                      bias: Bool = true, relu: Bool = true) -> Conv2D {
        seed += 1
        let w = randomTensor([o, i, kh, kw], seed: seed)
        seed += 1
        return Conv2D(weight: w, bias: bias ? randomTensor([o], seed: seed) : nil, stride: (stride, stride),
                      padding: padding, activation: relu ? .relu : .identity)
    }

    private func check(_ net: Sequential, input shape: [Int], winograd: Bool = false, packed: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let plan = try XCTUnwrap(InferencePlan(net, winograd: winograd, packed: packed),
                                 "the plan must support this network",
                                 file: file, line: line)
        let x = randomTensor(shape, seed: 99)
        let expected = net.forwardLayerByLayer(x)
        let got = plan.forward(x)
        // Only Float32 summation order may differ: a relative tolerance.
        let tol = 1e-5 * max(1, expected.storage.map(abs).max() ?? 0)
        assertClose(got, expected, tol: tol, file: file, line: line)
        // Sequential.forward takes the plan for image batches: same values.
        assertClose(net.forward(x), expected, tol: tol, file: file, line: line)
        // The input is not modified by in-place steps.
        XCTAssertEqual(x, randomTensor(shape, seed: 99), file: file, line: line)
    }

    func testConvolutionsOfEveryGeometry() throws {
        let net = Sequential([
            conv(6, 3, 3, 3, stride: 2, padding: .explicit(.zero)),
            conv(5, 6, 1, 1, relu: false),                               // 1×1: no im2col
            conv(4, 5, 1, 7), conv(4, 4, 7, 1, bias: false),            // asymmetric kernels, "same"
            conv(3, 4, 3, 3, padding: .explicit(Padding(top: 0, bottom: 2, left: 1, right: 0))),
            conv(3, 3, 1, 1, stride: 2, padding: .explicit(.zero)),      // strided 1×1
        ])
        try check(net, input: [3, 3, 19, 17])
        try check(net, input: [1, 3, 19, 17])
    }

    /// Convolutions of at most four input channels (an image's first layer) take the direct
    /// kernel when the CPU has AVX2: NN4.small2's 7 × 7 / 2 with padding 3, FaceNet-160's
    /// 3 × 3 / 2 valid, stride 3, outputs narrower and wider than the kernel's 24-column blocks,
    /// ReLU and none, and a branch writing its slice of a concatenation.
    func testFirstLayersMatchTheLayers() throws {
        try check(Sequential([conv(8, 3, 7, 7, stride: 2, padding: .explicit(Padding(3)))]), input: [2, 3, 64, 61])
        try check(Sequential([conv(5, 3, 3, 3, stride: 2, padding: .explicit(.zero), relu: false)]), input: [1, 3, 21, 19])
        try check(Sequential([conv(4, 2, 5, 3, stride: 3, padding: .explicit(Padding(top: 2, bottom: 0, left: 1, right: 2)))]),
                  input: [3, 2, 17, 80])
        try check(Sequential([Branches([conv(3, 4, 3, 3), conv(2, 4, 1, 1, relu: false)])]), input: [2, 4, 6, 5])
    }

    /// Stride-1 3 × 3 convolutions of 16+ channels take the batched Winograd kernel in a plan built
    /// with `winograd: true` (when the CPU has AVX2): "same" and valid padding, ReLU and none,
    /// inside branches (writing a slice of the concatenation), and next to a scaled residual
    /// (which keeps sgemm's accumulate); enough samples for 32 tiles, and one sample (sgemm).
    func testWinogradConvolutionsMatchTheLayers() throws {
        let net = Sequential([
            conv(16, 3, 3, 3),
            conv(20, 16, 3, 3, relu: false),
            conv(24, 20, 3, 3, padding: .explicit(.zero)),
            Branches([conv(16, 24, 3, 3), conv(8, 24, 1, 1)]),
            Residual(body: Sequential([conv(24, 24, 3, 3, relu: false)]), scale: 0.5, activation: .relu),
            Residual(body: Sequential([conv(24, 24, 3, 3, relu: false)]), scale: 1, activation: .relu),
            GlobalAveragePool(), Flatten(),
        ])
        try check(net, input: [4, 3, 13, 11], winograd: true)
        try check(net, input: [1, 3, 13, 11], winograd: true)
    }

    /// On planes large enough (``WinogradBatchKernel/prefersLargeTiles(n:ho:wo:workers:)``) the
    /// plan's Winograd layers take 4 × 4 tiles: "same" and valid padding (48 × 48 and 46 × 46
    /// outputs, the last tile of each row clipped), ReLU and none, two samples.
    func testLargeWinogradTilesMatchTheLayers() throws {
        XCTAssertTrue(WinogradBatchKernel.prefersLargeTiles(n: 2, ho: 46, wo: 46, workers: 8))
        XCTAssertFalse(WinogradBatchKernel.prefersLargeTiles(n: 1, ho: 17, wo: 17, workers: 2))
        let net = Sequential([
            conv(16, 3, 3, 3),
            conv(20, 16, 3, 3, relu: false),
            conv(24, 20, 3, 3, padding: .explicit(.zero)),
        ])
        try check(net, input: [2, 3, 48, 48], winograd: true)
    }

    /// Stride-1 1 × 7 and 7 × 1 convolutions of 16+ channels take ``LineWinogradKernel``'s F(2, 7)
    /// in a plan built with `winograd: true` (when the CPU has AVX2): a branch like Block17's ("same"
    /// padding, ReLU, writing its slice of the concatenation) and a valid 7 × 1 without ReLU, one
    /// sample of 8 × 8 and two of 9 × 12; the same network with `lineWinograd: false` (im2col).
    func testLineWinogradConvolutionsMatchTheLayers() throws {
        let net = Sequential([
            conv(16, 3, 1, 1),
            Branches([conv(8, 16, 1, 1), Sequential([conv(16, 16, 1, 1), conv(20, 16, 1, 7), conv(16, 20, 7, 1)])]),
            conv(16, 24, 7, 1, padding: .explicit(.zero), relu: false),
        ])
        try check(net, input: [1, 3, 8, 8], winograd: true)
        try check(net, input: [2, 3, 9, 12], winograd: true)
        let plan = try XCTUnwrap(InferencePlan(net, winograd: true, lineWinograd: false))
        let x = randomTensor([1, 3, 8, 8], seed: 5)
        let expected = net.forwardLayerByLayer(x)
        assertClose(plan.forward(x), expected, tol: 1e-5 * max(1, expected.storage.map(abs).max() ?? 0))
    }

    /// A plan built with `packed: true` runs the products of at most
    /// ``PackedGemmKernel/maximumColumns`` columns (``PackedGemmKernel/maximumIm2colColumns`` on
    /// an im2col) on the packed weights (when the CPU has AVX2): 1×1 convolutions on the input
    /// itself, every other geometry (strides, asymmetric kernels and padding) through the im2col
    /// written into the kernel's tiles (split between the threads by tiles when the weights are
    /// small), slices of a concatenation, and the scaled residual that accumulates into its
    /// shortcut. Batches of one and two samples fit the limit; a larger input takes sgemm for the
    /// early layers and the kernel for the late ones.
    func testPackedWeightsMatchTheLayers() throws {
        let net = Sequential([
            conv(18, 3, 3, 3, stride: 2, padding: .explicit(.zero)),
            conv(17, 18, 1, 1, relu: false),
            conv(20, 17, 1, 7), conv(20, 20, 7, 1, bias: false),
            conv(19, 20, 3, 3, padding: .explicit(Padding(top: 0, bottom: 2, left: 1, right: 0))),
            Branches([conv(16, 19, 3, 3), conv(33, 19, 1, 1)]),
            Residual(body: Sequential([conv(49, 49, 1, 1, relu: false)]), scale: 0.25, activation: .relu),
            Residual(body: Sequential([conv(49, 49, 3, 3, relu: false)]), scale: 1, activation: .identity),
            conv(12, 49, 1, 1),
            // One panel: the threads split the columns, and each packs its own; the body reads
            // neighbouring columns, so it must not write into its own input.
            Residual(body: Sequential([conv(12, 12, 3, 3, relu: false)]), scale: 0.5, activation: .relu),
            conv(49, 12, 1, 1),
            conv(8, 49, 3, 3, stride: 2, padding: .explicit(Padding(1))),
            GlobalAveragePool(), Flatten(),
        ])
        try check(net, input: [1, 3, 13, 11], packed: true)
        try check(net, input: [2, 3, 11, 9], packed: true)
        try check(net, input: [2, 3, 23, 21], winograd: true, packed: true)
        // A kernel of more than 64 taps packs its im2col without the per-tap offset table.
        try check(Sequential([conv(5, 3, 9, 9)]), input: [1, 3, 8, 7], packed: true)
        // An im2col of more than 64 columns (here 13 × 12 = 156, up to maximumIm2colColumns) takes
        // the kernel too, over many tiles; a 1 × 1 of as many columns keeps sgemm.
        try check(Sequential([conv(20, 8, 3, 3, stride: 2), conv(7, 20, 1, 1), conv(6, 7, 1, 3, relu: false)]),
                  input: [1, 8, 25, 23], packed: true)

        // Block17's and Block8's shapes in small: 1 × 1 products of 64 columns (11 tiles) split by
        // tiles on two threads, the residual's included; at 3 × 3 and 2 × 2 (2 tiles and 1) each
        // thread gathers the whole im2col of a 1 × 3, 3 × 1 or 3 × 3 for itself.
        let chain = Sequential([
            conv(40, 24, 1, 1), conv(36, 40, 1, 7), conv(36, 36, 7, 1),
            Residual(body: Sequential([conv(36, 36, 1, 1, relu: false)]), scale: 0.2, activation: .relu),
            conv(40, 36, 1, 3), conv(40, 40, 3, 1, relu: false), conv(33, 40, 3, 3),
        ])
        try check(chain, input: [1, 24, 8, 8], packed: true)
        try check(chain, input: [1, 24, 3, 3], packed: true)
        try check(chain, input: [1, 24, 2, 2], packed: true)
    }

    func testInceptionResNetBlockAndReduction() throws {
        let c = 8
        let body = Sequential([
            Branches([conv(4, c, 1, 1), Sequential([conv(3, c, 1, 1), conv(4, 3, 3, 3)])]),
            conv(c, 8, 1, 1, relu: false),
        ])
        let net = Sequential([
            conv(c, 3, 3, 3),
            Residual(body: body, scale: 0.17, activation: .relu),
            Residual(body: Sequential([conv(c, c, 3, 3, relu: false)]), scale: 1, activation: .identity),
            Branches([conv(5, c, 3, 3, stride: 2, padding: .explicit(.zero)), Pool2D.max(3, stride: 2)]),
            GlobalAveragePool(), Flatten(),
            Dense(weight: randomTensor([6, 5 + c], seed: 7), bias: randomTensor([6], seed: 8)),
            ChannelAffine(scale: [1, 2, 3, 4, 5, 6], shift: [0, -1, 1, 0, 0.5, 2]), L2Normalize(),
        ])
        try check(net, input: [2, 3, 11, 11])
    }

    /// The 1 × 1 convolutions that open several branches run as one stacked product
    /// (``SharedPointwise``): only pointwise ones with the most common activation take part (an
    /// identity head, a padded 1 × 1 and a pooling branch keep their own paths), biases may be
    /// missing on some, a branch may be nothing but its head, and a branch's in-place steps on its
    /// rows (ReLU, affine) must not reach another branch's rows. Plans with and without stacking
    /// agree with the layers, packed or not, at batch 1 and 2.
    func testStackedPointwiseHeadsMatchTheLayers() throws {
        let c = 7
        let net = Sequential([
            conv(c, 3, 3, 3),
            Branches([
                conv(5, c, 1, 1),
                Sequential([conv(4, c, 1, 1, bias: false), conv(6, 4, 3, 3)]),
                Sequential([conv(3, c, 1, 1, relu: false), ReLU()]),
                Sequential([conv(2, c, 1, 1, padding: .explicit(Padding(1))), Pool2D.max(3, stride: 1)]),
                Sequential([conv(4, c, 1, 1), ChannelAffine(scale: [2, -1, 0.5, 3], shift: [0, 1, -1, 0.25])]),
                Sequential([Pool2D.max(3, stride: 1, padding: .same), conv(3, c, 1, 1)]),
            ]),
            conv(4, 23, 1, 1, relu: false),
        ])
        for packed in [false, true] {
            for n in [1, 2] {
                let x = randomTensor([n, 3, 9, 8], seed: 5)
                let expected = net.forwardLayerByLayer(x)
                let tol = 1e-5 * max(1, expected.storage.map(abs).max() ?? 0)
                for stacks in [true, false] {
                    let plan = try XCTUnwrap(InferencePlan(net, winograd: true, packed: packed, stacksPointwise: stacks))
                    assertClose(plan.forward(x), expected, tol: tol)
                }
                XCTAssertEqual(x, randomTensor([n, 3, 9, 8], seed: 5))
            }
        }
    }

    func testInceptionBranchesWithPoolingAndPadding() throws {
        let net = Sequential([
            conv(6, 3, 3, 3), ZeroPad2D(Padding(1)), Pool2D.max(3, stride: 2),
            Branches([
                Sequential([Pool2D.max(3, stride: 2), conv(2, 6, 1, 1), ZeroPad2D(Padding(top: 0, bottom: 1, left: 0, right: 1))]),
                Sequential([Pool2D.average(3, stride: 3), conv(3, 6, 1, 1), ZeroPad2D(Padding(top: 0, bottom: 1, left: 0, right: 1))]),
                conv(4, 6, 3, 3, stride: 2, padding: .explicit(Padding(1))),
            ]),
            Pool2D(.average(countsPadding: true), kernel: (2, 2), stride: (1, 1), padding: .explicit(Padding(1)), ceilMode: true),
            ReLU(), Flatten(), Dense(weight: randomTensor([4, 9 * 4 * 4], seed: 3)),
        ])
        try check(net, input: [3, 3, 12, 12])
    }

    /// A zero padding between a ReLU and a max pooling becomes the pooling's own padding (NN4.small2's
    /// stem): after a convolution with ReLU, after a ReLU layer, with asymmetric padding; a padding
    /// after a convolution without ReLU (whose negative values the zeros would beat) and one before
    /// an average pooling stay steps, and give the layers' values too.
    func testZeroPaddingBeforeMaxPoolingAfterAReLU() throws {
        let net = Sequential([
            conv(6, 3, 3, 3), ZeroPad2D(Padding(1)), Pool2D.max(3, stride: 2),
            conv(6, 6, 3, 3, relu: false), ReLU(), ZeroPad2D(Padding(top: 0, bottom: 2, left: 1, right: 0)),
            Pool2D.max(3, stride: 1),
            conv(5, 6, 1, 1, relu: false), ZeroPad2D(Padding(1)), Pool2D.max(3, stride: 2),
            ZeroPad2D(Padding(1)), Pool2D.average(3, stride: 1),
            GlobalAveragePool(), Flatten(),
        ])
        try check(net, input: [2, 3, 17, 15])
        try check(net, input: [1, 3, 17, 15], winograd: true, packed: true)
    }

    func testResidualWithShortcutAndMismatchedShapes() throws {
        // dlib-style: the body downsamples, the shortcut is a strided 1×1; then a top-left aligned add.
        let net = Sequential([
            conv(4, 3, 3, 3),
            Residual(body: Sequential([conv(6, 4, 3, 3, stride: 2, padding: .explicit(Padding(1)))]),
                     shortcut: Pool2D.average(2, stride: 2), scale: 1, activation: .relu),
            ChannelAffine(scale: [1, -1, 2, 0.5, 1, 1], shift: [0, 0, 1, 1, -1, 0], activation: .relu),
            PReLU(slope: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), ChannelSoftmax(),
        ])
        try check(net, input: [2, 3, 9, 9])
    }

    func testUnknownLayerFallsBackToLayers() {
        struct Twice: Layer {
            func forward(_ x: Tensor) -> Tensor { Tensor(shape: x.shape, storage: x.storage.map { 2 * $0 }) }
        }
        let net = Sequential([conv(2, 3, 3, 3), Twice()])
        XCTAssertNil(InferencePlan(net))
        let x = randomTensor([2, 3, 5, 5], seed: 4)
        XCTAssertEqual(net.forward(x), net.forwardLayerByLayer(x))
    }
}
