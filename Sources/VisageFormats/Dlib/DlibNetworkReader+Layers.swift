import VisageNN

// The layer records of a dlib network file (dlib `layers.h`), each checked against the architecture.
extension DlibNetworkReader {
    mutating func readConv(filters: Int, kernel: Int, stride: Int, padding: Int, inputs: Int) throws -> [DlibLayer] {
        let tag = try d.expectTag(["con_4", "con_5", "con_6"])
        let paramsStart = d.offset
        let params = try d.readTensor("con params")
        let geometryStart = d.offset
        var geometry = [Int]()
        for name in ["num_filters", "nr", "nc", "stride_y", "stride_x", "padding_y", "padding_x"] {
            geometry.append(try d.readInt("con " + name, in: Int64(Int32.min)...Int64(Int32.max)))
        }
        let expected = [filters, kernel, kernel, stride, stride, padding, padding]
        guard geometry == expected else {
            throw DlibFormatError.architectureMismatch(
                offset: geometryStart, what: "con (filters, nr, nc, stride y/x, padding y/x)",
                expected: "\(expected)", found: "\(geometry)")
        }
        let filterShape = [filters, inputs, kernel, kernel]
        try expectAlias("con filters", filterShape)
        let biasStart = d.offset
        let biasAlias = try d.readAliasTensor("con biases")
        try skipMultipliers()
        let useBias = tag == "con_4" ? true : try d.readBool("con use_bias")
        let useRelu = tag == "con_6" ? try d.readBool("con use_relu") : false
        if useBias && biasAlias != [1, filters, 1, 1] {
            throw DlibFormatError.shapeMismatch(offset: biasStart, what: "con biases",
                                                expected: [1, filters, 1, 1], found: biasAlias)
        }
        let weightCount = filterShape.reduce(1, *)
        let allowed = useBias ? [weightCount + filters] : [weightCount, weightCount + filters]
        guard allowed.contains(params.values.count) else {
            throw DlibFormatError.shapeMismatch(offset: paramsStart, what: "con params",
                                                expected: [allowed[0], 1, 1, 1], found: params.shape)
        }
        let weights = Tensor(shape: filterShape, storage: Array(params.values[0..<weightCount]))
        let bias = useBias ? Tensor(shape: [filters], storage: Array(params.values[weightCount...]))
                           : Tensor(shape: [filters])
        let conv = DlibLayer.conv(filters: weights, bias: bias, stride: (y: stride, x: stride),
                                  padding: (y: padding, x: padding))
        return useRelu ? [conv, .relu] : [conv]
    }

    mutating func readAffine(channels: Int) throws -> DlibLayer {
        let tag = try d.expectTag(["affine_", "affine_2", "bn_con2"])
        if tag == "bn_con2" { return try readBatchNorm(channels: channels) }
        let paramsStart = d.offset
        let params = try d.readTensor("affine params")
        try expectAlias("affine gamma", [1, channels, 1, 1])
        try expectAlias("affine beta", [1, channels, 1, 1])
        try expectConvMode("affine mode")
        let disabled = tag == "affine_2" ? try d.readBool("affine disabled") : false
        if disabled {
            return .affine(gamma: Tensor(shape: [channels], repeating: 1), beta: Tensor(shape: [channels]))
        }
        guard params.values.count == 2 * channels else {
            throw DlibFormatError.shapeMismatch(offset: paramsStart, what: "affine params",
                                                expected: [2 * channels, 1, 1, 1], found: params.shape)
        }
        return .affine(gamma: Tensor(shape: [channels], storage: Array(params.values[0..<channels])),
                       beta: Tensor(shape: [channels], storage: Array(params.values[channels...])))
    }

    /// Reads a `bn_con2` record and folds it into an affine layer as dlib does at load time, in f32:
    /// `A = γ / sqrt(var + eps)`, `B = β − A·mean`.
    private mutating func readBatchNorm(channels c: Int) throws -> DlibLayer {
        let params = try readSized("bn params", 2 * c)
        try expectAlias("bn gamma", [1, c, 1, 1])
        try expectAlias("bn beta", [1, c, 1, 1])
        try d.skipTensor("bn means")
        try d.skipTensor("bn invstds")
        let means = try readSized("bn running_means", c)
        let variances = try readSized("bn running_variances", c)
        _ = try d.readUnsignedInt("bn num_updates")
        _ = try d.readUnsignedInt("bn running_stats_window_size")
        try skipMultipliers()
        let eps = Float(try d.readDouble("bn eps"))
        var gamma = [Float](repeating: 0, count: c)
        var beta = [Float](repeating: 0, count: c)
        for i in 0..<c {
            let a: Float = params[i] / (variances[i] + eps).squareRoot()
            let product: Float = a * means[i]
            gamma[i] = a
            beta[i] = params[c + i] - product
        }
        return .affine(gamma: Tensor(shape: [c], storage: gamma), beta: Tensor(shape: [c], storage: beta))
    }

    mutating func readRelu() throws -> DlibLayer {
        let tag = try d.expectTag(["relu_", "relu_2"])
        if tag == "relu_2" {
            let start = d.offset
            if try d.readBool("relu disabled") {
                throw DlibFormatError.invalidValue(offset: start, what: "relu", detail: "disabled relu layers are not supported")
            }
        }
        return .relu
    }

    mutating func readPool(max isMax: Bool, size: Int, stride: Int, padding: Int) throws -> DlibLayer {
        try d.expectTag([isMax ? "max_pool_2" : "avg_pool_2"])
        let start = d.offset
        var geometry = [Int]()
        for name in ["nr", "nc", "stride_y", "stride_x", "padding_y", "padding_x"] {
            geometry.append(try d.readInt("pool " + name, in: Int64(Int32.min)...Int64(Int32.max)))
        }
        let expected = [size, size, stride, stride, padding, padding]
        guard geometry == expected else {
            throw DlibFormatError.architectureMismatch(
                offset: start, what: "\(isMax ? "max" : "avg")_pool (nr, nc, stride y/x, padding y/x)",
                expected: "\(expected)", found: "\(geometry)")
        }
        let window = (rows: size, cols: size)
        let s = (y: stride, x: stride)
        let p = (y: padding, x: padding)
        return isMax ? .maxPool(window: window, stride: s, padding: p) : .avgPool(window: window, stride: s, padding: p)
    }

    mutating func readFC(inputs: Int, outputs: Int, bias: Bool) throws -> DlibLayer {
        let tag = try d.expectTag(["fc_2", "fc_3"])
        let start = d.offset
        let numOutputs = try d.readUnsigned("fc num_outputs", in: 0...Int64(Int32.max))
        let numInputs = try d.readUnsigned("fc num_inputs", in: 0...Int64(Int32.max))
        guard numOutputs == outputs, numInputs == inputs else {
            throw DlibFormatError.architectureMismatch(offset: start, what: "fc (inputs, outputs)",
                                                       expected: "(\(inputs), \(outputs))",
                                                       found: "(\(numInputs), \(numOutputs))")
        }
        let count = inputs * outputs + (bias ? outputs : 0)
        let params = try readSized("fc params", count)
        try expectAlias("fc weights", [inputs, outputs, 1, 1])
        try expectAlias("fc biases", bias ? [1, outputs, 1, 1] : [0, 0, 0, 0])
        let modeStart = d.offset
        let mode = try d.readInt("fc bias_mode", in: 0...1)
        guard mode == (bias ? 0 : 1) else {
            throw DlibFormatError.architectureMismatch(offset: modeStart, what: "fc bias_mode",
                                                       expected: bias ? "0 (has bias)" : "1 (no bias)", found: "\(mode)")
        }
        try skipMultipliers()
        let useBias = tag == "fc_3" ? try d.readBool("fc use_bias") : true
        let weights = Tensor(shape: [inputs, outputs], storage: Array(params[0..<(inputs * outputs)]))
        let b = bias && useBias ? Tensor(shape: [outputs], storage: Array(params[(inputs * outputs)...])) : nil
        return .fc(weights: weights, bias: b)
    }

    // MARK: helpers

    /// Reads a tensor that must hold exactly `count` elements.
    private mutating func readSized(_ what: String, _ count: Int) throws -> [Float] {
        let start = d.offset
        let t = try d.readTensor(what)
        guard t.values.count == count else {
            throw DlibFormatError.shapeMismatch(offset: start, what: what, expected: [count, 1, 1, 1], found: t.shape)
        }
        return t.values
    }

    private mutating func expectAlias(_ what: String, _ shape: [Int]) throws {
        let start = d.offset
        let found = try d.readAliasTensor(what)
        guard found == shape else {
            throw DlibFormatError.shapeMismatch(offset: start, what: what, expected: shape, found: found)
        }
    }

    private mutating func expectConvMode(_ what: String) throws {
        let start = d.offset
        let mode = try d.readInt(what, in: 0...1)
        guard mode == 0 else {
            throw DlibFormatError.architectureMismatch(offset: start, what: what, expected: "0 (conv mode)", found: "\(mode)")
        }
    }

    /// The four learning-rate / weight-decay multipliers (training only).
    private mutating func skipMultipliers() throws {
        for _ in 0..<4 { _ = try d.readDouble("learning-rate / weight-decay multiplier") }
    }
}
