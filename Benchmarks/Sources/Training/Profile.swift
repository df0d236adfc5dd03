import Foundation
import VisageModels
import VisageNN

/// Per-kind forward and backward CPU seconds of one NN4.small2 training pass, measured on the
/// calling thread (run with one thread so the figures are the compute itself), or wall-clock
/// seconds with several threads (how well each kind uses them).
final class Profiler {
    /// Whether to measure wall-clock time instead of the calling thread's CPU time.
    var wallClock = false
    private(set) var forward: [String: Double] = [:]
    private(set) var backward: [String: Double] = [:]
    /// Whether every convolution is reported on its own.
    var detail = false

    /// The smallest figure of each kind over the finished rounds (robust to other load).
    private(set) var best: (forward: [String: Double], backward: [String: Double]) = ([:], [:])

    /// Ends a round: keeps each kind's smallest time so far and starts over.
    func endRound(keep: Bool) {
        if keep {
            for (k, v) in forward { best.forward[k] = min(best.forward[k] ?? .infinity, v) }
            for (k, v) in backward { best.backward[k] = min(best.backward[k] ?? .infinity, v) }
        }
        forward = [:]
        backward = [:]
    }

    func seconds() -> Double {
        var t = timespec()
        clock_gettime(wallClock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// A layer that times another.
    final class Timed: TrainableLayer {
        let inner: any TrainableLayer
        let kind: String
        unowned let profiler: Profiler
        init(_ inner: any TrainableLayer, kind: String, profiler: Profiler) {
            self.inner = inner
            self.kind = kind
            self.profiler = profiler
        }
        var parameters: [Parameter] { inner.parameters }
        func inferenceLayer() -> any Layer { inner.inferenceLayer() }
        func forward(_ x: Tensor, mode: ForwardMode) -> Tensor {
            let t0 = profiler.seconds()
            let y = inner.forward(x, mode: mode)
            profiler.forward[kind, default: 0] += profiler.seconds() - t0
            return y
        }
        func backward(_ dy: Tensor) -> Tensor {
            let t0 = profiler.seconds()
            let dx = inner.backward(dy)
            profiler.backward[kind, default: 0] += profiler.seconds() - t0
            return dx
        }
    }

    /// The NN4.small2 twin with every leaf timed.
    func network(using generator: inout some RandomNumberGenerator) -> Sequential.Trainable {
        Sequential.Trainable(OpenFaceNN4Small2.architecture.map { build($0, using: &generator) })
    }

    private func build(_ spec: LayerSpec, using g: inout some RandomNumberGenerator) -> any TrainableLayer {
        switch spec {
        case .convBatchNormReLU(let u):
            let conv = Conv2D(weight: Initialization.heNormal([u.outChannels, u.inChannels, u.kernel, u.kernel], using: &g),
                              bias: Tensor(shape: [u.outChannels]), stride: (u.stride, u.stride), padding: .explicit(Padding(u.padding)))
            let c = Conv2D.Trainable(conv, weightKey: u.conv + "_w", biasKey: u.conv + "_b")
            if u.conv == "conv1" { c.computesInputGradient = false }
            return Sequential.Trainable([
                Timed(c, kind: detail ? "conv \(u.kernel)x\(u.kernel) \(u.inChannels)>\(u.outChannels) \(u.conv)" : "conv \(u.kernel)x\(u.kernel)", profiler: self),
                Timed(BatchNorm(channels: u.outChannels, keys: ("g", "b", "m", "v"), activation: .relu),
                      kind: "batch norm + relu", profiler: self),
            ])
        case .sequence(let parts): return Sequential.Trainable(parts.map { build($0, using: &g) })
        case .concatenate(let parts):
            return Timed(Branches.Trainable(parts.map { build($0, using: &g) }), kind: "(branches incl. inner)", profiler: self)
        default:
            let kind: String
            switch spec {
            case .maxPool: kind = "max pool"
            case .averagePool: kind = "avg pool"
            case .zeroPad: kind = "zero pad"
            default: kind = "dense/flatten/l2"
            }
            return Timed(spec.trainable(using: &g), kind: kind, profiler: self)
        }
    }

    func report() {
        let (f, b) = best
        let kinds = Set(f.keys).union(b.keys).sorted { (f[$0] ?? 0) + (b[$0] ?? 0) > (f[$1] ?? 0) + (b[$1] ?? 0) }
        for k in kinds {
            print(String(format: "  %-24@ forward %7.3f s  backward %7.3f s", k as NSString, f[k] ?? 0, b[k] ?? 0))
        }
    }
}
