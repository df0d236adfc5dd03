import Foundation

extension DlibNetwork {
    /// Reads a dlib DNN file, checking it against `architecture`.
    /// - Parameters:
    ///   - url: the `.dat` file.
    ///   - architecture: the expected structure, e.g. ``DlibArchitecture/faceRecognitionResNet``.
    /// - Throws: ``DlibFormatError`` when the file cannot be read, is truncated or corrupt, or does
    ///   not match the architecture.
    public init(contentsOf url: URL, architecture: DlibArchitecture) throws {
        try self.init(data: try DlibFile.read(url), architecture: architecture)
    }

    /// Reads a dlib DNN from the contents of its file, checking it against `architecture`.
    /// - Parameters:
    ///   - data: the complete file.
    ///   - architecture: the expected structure.
    /// - Throws: ``DlibFormatError``.
    public init(data: Data, architecture: DlibArchitecture) throws {
        self = try DlibDeserializer.withDeserializer(over: data) { d in
            var reader = DlibNetworkReader(d: d, architecture: architecture)
            return try reader.read()
        }
    }
}

/// Walks a dlib network file. The layout (dlib `core.h`): the loss header, then one version int per
/// add_layer / tag / skip from the outermost to the innermost, then the input record, then each
/// add_layer's record and bookkeeping from the innermost to the outermost.
struct DlibNetworkReader {
    var d: DlibDeserializer
    let architecture: DlibArchitecture

    mutating func read() throws -> DlibNetwork {
        let nodes = architecture.nodes
        guard let first = nodes.first, first.isAddLayer else {
            throw DlibFormatError.invalidValue(offset: 0, what: "architecture \(architecture.name)",
                                               detail: "the node on the input must be a layer, not a tag or skip")
        }
        _ = try d.expectVersion("add_loss_layer", [1])
        let loss = try readLoss()
        var versions = [Int64](repeating: 0, count: nodes.count)
        for i in nodes.indices.reversed() {
            switch nodes[i] {
            case let .tag(id): versions[i] = try d.expectVersion("add_tag_layer<\(id)>", [1])
            case let .skip(id): versions[i] = try d.expectVersion("add_skip_layer<\(id)>", [1])
            default: versions[i] = try d.expectVersion("add_layer #\(i)", i == 0 ? [3, 2] : [2, 1])
            }
        }
        let input = try readInput()

        var layers = [DlibLayer]()
        var channels = 3
        var tagChannels = [Int: Int]()
        for (i, node) in nodes.enumerated() {
            switch node {
            case let .tag(id):
                tagChannels[id] = channels
                layers.append(.tag(id))
            case let .skip(id):
                channels = try taggedChannels(tagChannels, id)
                layers.append(.skip(tag: id))
            default:
                layers += try readRecord(node, channels: &channels, tagChannels: tagChannels)
                try readBookkeeping(version: versions[i], innermost: i == 0)
            }
        }
        try d.expectEnd()
        return DlibNetwork(loss: loss, input: input, layers: layers)
    }

    private func taggedChannels(_ tags: [Int: Int], _ id: Int) throws -> Int {
        guard let c = tags[id] else {
            throw DlibFormatError.invalidValue(offset: d.offset, what: "architecture \(architecture.name)",
                                               detail: "tag \(id) is used before it is defined")
        }
        return c
    }

    private mutating func readRecord(_ node: DlibArchitecture.Node, channels: inout Int,
                                     tagChannels: [Int: Int]) throws -> [DlibLayer] {
        switch node {
        case let .conv(filters, kernel, stride, padding):
            let layers = try readConv(filters: filters, kernel: kernel, stride: stride, padding: padding,
                                      inputs: channels)
            channels = filters
            return layers
        case .affine: return [try readAffine(channels: channels)]
        case .relu: return [try readRelu()]
        case let .maxPool(size, stride, padding):
            return [try readPool(max: true, size: size, stride: stride, padding: padding)]
        case let .avgPool(size, stride, padding):
            return [try readPool(max: false, size: size, stride: stride, padding: padding)]
        case let .addPrev(id):
            try d.expectTag(["add_prev_"])
            channels = max(channels, try taggedChannels(tagChannels, id))
            return [.addPrev(tag: id)]
        case let .fc(inputs, outputs, bias):
            channels = outputs
            return [try readFC(inputs: inputs, outputs: outputs, bias: bias)]
        case .tag, .skip:
            return []
        }
    }

    /// Consumes what `add_layer` writes after its layer record (training state, unused here).
    private mutating func readBookkeeping(version: Int64, innermost: Bool) throws {
        _ = try d.readBool("this_layer_setup_called")
        _ = try d.readBool("gradient_input_is_stale")
        _ = try d.readBool("get_output_and_gradient_input_disabled")
        try d.skipTensor("x_grad")
        try d.skipTensor("cached_output")
        if innermost {
            try d.skipTensor("grad_final")
            if version >= 3 { _ = try d.readUnsignedInt("sample_expansion_factor") }
        } else if version >= 2 {
            try d.skipTensor("params_grad")
        }
    }
}
