import VisageFormats
import VisageNN

// Turns the flat dlib layer list (input → output, with tag / skip / add_prev markers) into
// VisageNN layers:
//   conv → affine → relu        one Conv2D with the affine folded in and a fused ReLU
//   tag1 · body · add_prev1      Residual(body, identity shortcut)
//   tag1 · body · tag2 · skip1 · shortcut · add_prev2
//                                Residual(body, shortcut) — dlib's ares_down, whose shortcut is
//                                an average pool of the block input
//   relu right after add_prev    the Residual's activation
// A mismatched-shape add (dlib idx 31 and 4 of the face ResNet) is Residual.add's top-left
// aligned max-shape sum, which is what add_prev does.

/// Builds VisageNN layers from a ``DlibNetwork``'s layer list.
enum DlibLayerGraph {
    /// The layers of `network` as one chain.
    /// - Parameters:
    ///   - layers: dlib layers input → output.
    ///   - foldAffine: fold each affine into the convolution before it (exact up to f32 rounding).
    /// - Throws: ``ModelLoadError/wrongArchitecture(_:)`` for tag / skip patterns it does not know.
    static func chain(_ layers: [DlibLayer], foldAffine: Bool = true) throws -> Sequential {
        var parser = Parser(layers: layers, foldAffine: foldAffine)
        let built = try parser.chain(until: { _ in false })
        guard parser.index == layers.count else {
            throw ModelLoadError.wrongArchitecture("unexpected dlib layer \(parser.index): \(layers[parser.index])")
        }
        return Sequential(built)
    }

    private struct Parser {
        let layers: [DlibLayer]
        let foldAffine: Bool
        var index = 0

        init(layers: [DlibLayer], foldAffine: Bool) {
            self.layers = layers
            self.foldAffine = foldAffine
        }

        private var current: DlibLayer? { index < layers.count ? layers[index] : nil }
        private func peek(_ offset: Int) -> DlibLayer? {
            index + offset < layers.count ? layers[index + offset] : nil
        }

        /// Consumes a ReLU if it comes next.
        private mutating func takeReLU() -> Activation {
            if case .relu? = current {
                index += 1
                return .relu
            }
            return .identity
        }

        /// Layers up to (not including) the first one `stop` accepts, or the end.
        mutating func chain(until stop: (Parser) -> Bool) throws -> [any Layer] {
            var out: [any Layer] = []
            while let layer = current, !stop(self) {
                index += 1
                switch layer {
                case let .conv(filters, bias, stride, padding):
                    var conv = Conv2D(weight: filters, bias: bias, stride: stride,
                                      padding: .explicit(Padding(rows: padding.y, columns: padding.x)))
                    if foldAffine, case let .affine(gamma, beta)? = current {
                        index += 1
                        conv = conv.folding(ChannelAffine(scale: gamma.storage, shift: beta.storage))
                    }
                    out.append(conv.with(activation: takeReLU()))
                case let .affine(gamma, beta):
                    out.append(ChannelAffine(scale: gamma.storage, shift: beta.storage, activation: takeReLU()))
                case .relu:
                    out.append(ReLU())
                case let .maxPool(window, stride, padding):
                    out.append(Pool2D(.max, kernel: (window.rows, window.cols), stride: stride,
                                      padding: .explicit(Padding(rows: padding.y, columns: padding.x))))
                case let .avgPool(window, stride, padding):
                    if window.rows == 0 && window.cols == 0 {
                        out.append(GlobalAveragePool())
                    } else {
                        out.append(Pool2D(.average(countsPadding: false), kernel: (window.rows, window.cols),
                                          stride: stride, padding: .explicit(Padding(rows: padding.y, columns: padding.x))))
                    }
                case let .fc(weights, bias):
                    out.append(Dense(weight: Self.transposed(weights), bias: bias))
                case let .tag(id):
                    out.append(try residual(tag: id))
                case .skip, .addPrev:
                    throw ModelLoadError.wrongArchitecture("dlib layer \(index - 1) (\(layer)) has no matching tag")
                }
            }
            return out
        }

        /// The block after `tag(id)`: a body, optionally a skip to a shortcut, and the add.
        private mutating func residual(tag id: Int) throws -> Residual {
            // The body ends at add_prev<id>, or at a new tag immediately followed by skip<id>.
            let body = try chain(until: { p in
                switch p.current {
                case .addPrev(let t)? where t == id: return true
                case .tag?: if case .skip(let t)? = p.peek(1), t == id { return true }; return false
                default: return false
                }
            })
            var shortcut: (any Layer)?
            if case .tag(let bodyTag)? = current {
                index += 2  // tag<bodyTag>, skip<id>
                let layers = try chain(until: { p in
                    if case .addPrev(let t)? = p.current, t == bodyTag { return true }
                    return false
                })
                shortcut = Sequential(layers)
            }
            guard case .addPrev? = current else {
                throw ModelLoadError.wrongArchitecture("dlib tag\(id) at layer \(index) is never added back")
            }
            index += 1
            return Residual(body: Sequential(body), shortcut: shortcut, activation: takeReLU())
        }

        /// dlib's `[in, out]` fully connected weights as VisageNN's `[out, in]`.
        private static func transposed(_ w: Tensor) -> Tensor {
            let i = w.shape[0], o = w.shape[1]
            var t = Tensor(shape: [o, i])
            for a in 0..<i {
                for b in 0..<o { t.storage[b * i + a] = w.storage[a * o + b] }
            }
            return t
        }
    }
}
