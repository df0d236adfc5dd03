// The loss and input records of a dlib network file (dlib `loss.h`, `input.h`).
extension DlibNetworkReader {
    mutating func readLoss() throws -> DlibLoss {
        switch architecture.loss {
        case .metric:
            let tag = try d.expectTag(["loss_metric_2", "loss_metric_"])
            guard tag == "loss_metric_2" else { return .metric(margin: 0.1, distanceThreshold: 0.75) }
            let margin = try d.readFloat("loss_metric margin")
            let threshold = try d.readFloat("loss_metric dist_thresh")
            return .metric(margin: margin, distanceThreshold: threshold)
        case .mmod:
            try d.expectTag(["loss_mmod_"])
            return .mmod(try readMMODOptions())
        }
    }

    private mutating func readMMODOptions() throws -> DlibMMODOptions {
        let version = try d.expectVersion("mmod_options", [1, 2, 3, 4])
        let sizeRange: ClosedRange<Int64> = 1...Int64(Int32.max)
        var windows = [DlibMMODOptions.DetectorWindow]()
        if version == 1 {
            let width = try d.readUnsigned("detector window width", in: sizeRange)
            let height = try d.readUnsigned("detector window height", in: sizeRange)
            windows.append(.init(width: width, height: height, label: ""))
        } else {
            let count = try d.readCount("detector windows", elementBytes: 6)
            for _ in 0..<count {
                let windowVersion = try d.expectVersion("detector window", [1, 2])
                let width = try d.readUnsigned("detector window width", in: sizeRange)
                let height = try d.readUnsigned("detector window height", in: sizeRange)
                let label = windowVersion == 2 ? try d.readString("detector window label") : ""
                windows.append(.init(width: width, height: height, label: label))
            }
        }
        let falseAlarm = try d.readDouble("loss_per_false_alarm")
        let missed = try d.readDouble("loss_per_missed_target")
        let truthIOU = try d.readDouble("truth_match_iou_threshold")
        let nms = DlibMMODOptions.BoxOverlap(iouThreshold: try d.readDouble("overlaps_nms iou"),
                                             percentCoveredThreshold: try d.readDouble("overlaps_nms covered"))
        let ignore = DlibMMODOptions.BoxOverlap(iouThreshold: try d.readDouble("overlaps_ignore iou"),
                                                percentCoveredThreshold: try d.readDouble("overlaps_ignore covered"))
        var pyramid = true
        if version >= 3 {
            let start = d.offset
            let byte = try d.readByte("assume_image_pyramid")
            guard byte <= 1 else {
                throw DlibFormatError.valueOutOfRange(offset: start, what: "assume_image_pyramid",
                                                      value: Int64(byte), allowed: 0...1)
            }
            pyramid = byte == 1
        }
        var regression = false
        var lambda = 100.0
        if version >= 4 {
            regression = try d.readBool("use_bounding_box_regression")
            lambda = try d.readDouble("bbr_lambda")
        }
        return DlibMMODOptions(detectorWindows: windows, lossPerFalseAlarm: falseAlarm,
                               lossPerMissedTarget: missed, truthMatchIOUThreshold: truthIOU,
                               overlapsNMS: nms, overlapsIgnore: ignore, assumeImagePyramid: pyramid,
                               useBoundingBoxRegression: regression, bbrLambda: lambda)
    }

    mutating func readInput() throws -> DlibInput {
        switch architecture.input {
        case let .rgbImageSized(rows, cols):
            try d.expectTag(["input_rgb_image_sized"])
            let (r, g, b) = try readMeans()
            let start = d.offset
            let nr = try d.readUnsigned("input rows", in: 0...Int64(Int32.max))
            let nc = try d.readUnsigned("input columns", in: 0...Int64(Int32.max))
            guard nr == rows, nc == cols else {
                throw DlibFormatError.architectureMismatch(offset: start, what: "input_rgb_image_sized size",
                                                           expected: "\(rows)×\(cols)", found: "\(nr)×\(nc)")
            }
            return DlibInput(kind: .rgbImageSized(rows: nr, cols: nc), meanRed: r, meanGreen: g, meanBlue: b)
        case .rgbImagePyramid:
            let tag = try d.expectTag(["input_rgb_image_pyramid", "input_rgb_image_pyramid2"])
            let (r, g, b) = try readMeans()
            var padding = 10
            var outer = 11
            if tag == "input_rgb_image_pyramid2" {
                padding = try d.readUnsigned("pyramid_padding", in: 0...1 << 20)
                outer = try d.readUnsigned("pyramid_outer_padding", in: 0...1 << 20)
            }
            return DlibInput(kind: .rgbImagePyramid(padding: padding, outerPadding: outer),
                             meanRed: r, meanGreen: g, meanBlue: b)
        }
    }

    private mutating func readMeans() throws -> (Float, Float, Float) {
        (try d.readFloat("avg_red"), try d.readFloat("avg_green"), try d.readFloat("avg_blue"))
    }
}
