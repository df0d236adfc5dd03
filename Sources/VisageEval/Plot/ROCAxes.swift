import Foundation

/// The coordinate system, grid, labels and legend of a ``ROCPlot``.
struct ROCAxes {
    let left: Double, top: Double, right: Double, bottom: Double
    /// log10 of the smallest FAR shown, or nil for a linear axis.
    let logMinimum: Double?
    /// The smallest TAR shown.
    let tarMinimum: Double

    init(plot: ROCPlot) {
        // Half-pixel edges: 1-pixel lines then cover whole pixels in the raster.
        left = 78.5
        right = Double(plot.width) - 19.5
        top = 44.5
        bottom = Double(plot.height) - 55.5
        switch plot.farAxis {
        case .linear:
            logMinimum = nil
            tarMinimum = 0
        case .logarithmic(let minimum):
            let impostors = plot.series.map(\.curve.impostorCount).max() ?? 10
            let auto = (log10(1 / Double(max(impostors, 10)))).rounded(.down)
            let lm = minimum.map { log10($0).rounded(.down) } ?? auto
            let clamped = min(max(lm, -9), -1)
            logMinimum = clamped
            let lowest = plot.series.map { $0.curve.operatingPoint(maxFAR: pow(10, clamped)).tar }.min() ?? 0
            tarMinimum = min(max((lowest * 10).rounded(.down) / 10, 0), 0.9)
        }
    }

    /// Scene position of a (FAR, TAR) point, clamped to the plot area.
    func point(far: Double, tar: Double) -> ScenePoint {
        let fx: Double
        if let lm = logMinimum {
            fx = (log10(max(far, pow(10, lm))) - lm) / -lm
        } else {
            fx = far
        }
        let fy = (tar - tarMinimum) / (1 - tarMinimum)
        return ScenePoint(x: left + min(max(fx, 0), 1) * (right - left), y: bottom - min(max(fy, 0), 1) * (bottom - top))
    }

    /// The curve's points in scene coordinates, rounded to whole pixels, dropping repeats.
    func polyline(_ points: [ROCPoint]) -> [ScenePoint] {
        var result: [ScenePoint] = []
        for (k, p) in points.enumerated() {
            let q = point(far: p.far, tar: p.tar)
            // Whole pixels: a 2-pixel line then covers exactly two pixel rows or columns.
            let snapped = ScenePoint(x: q.x.rounded(), y: q.y.rounded())
            if let last = result.last, k < points.count - 1, last == snapped { continue }
            result.append(snapped)
        }
        return result
    }

    /// Background grid, chance line, frame, ticks, axis titles and the title.
    func drawFrame(into scene: inout PlotScene, title: String) {
        var labelsX: [(Double, String)] = []
        if let lm = logMinimum {
            for e in stride(from: Int(lm), through: 0, by: 1) {
                labelsX.append((pow(10, Double(e)), Self.decade(e)))
                if e < 0 {
                    for m in 2...9 { grid(&scene, vertical: point(far: Double(m) * pow(10, Double(e)), tar: 1).x, minor: true) }
                }
            }
        } else {
            for k in 0...10 { grid(&scene, vertical: point(far: Double(k) / 10, tar: 1).x, minor: k % 2 == 1) }
            labelsX = stride(from: 0, through: 10, by: 2).map { (Double($0) / 10, String(format: "%.1f", Double($0) / 10)) }
        }
        for (far, _) in labelsX { grid(&scene, vertical: point(far: far, tar: 1).x, minor: false) }
        let range = ((1 - tarMinimum) * 100).rounded() / 100
        let step = range >= 0.5 ? 0.1 : (range >= 0.2 ? 0.05 : 0.01)
        let ticksY = (0...Int((range / step).rounded())).map { tarMinimum + Double($0) * step }
        for tar in ticksY {
            let y = Self.snap(point(far: 1, tar: tar).y)
            scene.elements.append(.line([ScenePoint(x: left, y: y), ScenePoint(x: right, y: y)], color: .lightGray, width: 1, dashed: false))
            scene.elements.append(.text(String(format: step < 0.1 ? "%.2f" : "%.1f", tar),
                                        at: ScenePoint(x: left - 8, y: y + 4), scale: 1, color: .black, anchor: .end, vertical: false))
        }
        for (far, label) in labelsX {
            let x = Self.snap(point(far: far, tar: 1).x)
            scene.elements.append(.line([ScenePoint(x: x, y: bottom), ScenePoint(x: x, y: bottom + 5)], color: .black, width: 1, dashed: false))
            scene.elements.append(.text(label, at: ScenePoint(x: x, y: bottom + 18), scale: 1, color: .black, anchor: .middle, vertical: false))
        }
        if logMinimum == nil {
            // Chance: TAR = FAR.
            scene.elements.append(.line([point(far: 0, tar: 0), point(far: 1, tar: 1)], color: .gray, width: 1, dashed: true))
        }
        let frame = [ScenePoint(x: left, y: top), ScenePoint(x: right, y: top), ScenePoint(x: right, y: bottom),
                     ScenePoint(x: left, y: bottom), ScenePoint(x: left, y: top)]
        scene.elements.append(.line(frame, color: .black, width: 1, dashed: false))
        let xTitle = "False accept rate (FAR)" + (logMinimum == nil ? "" : ", log scale")
        scene.elements.append(.text(xTitle, at: ScenePoint(x: (left + right) / 2, y: bottom + 44), scale: 2, color: .black, anchor: .middle, vertical: false))
        scene.elements.append(.text("True accept rate (TAR)", at: ScenePoint(x: 30, y: (top + bottom) / 2), scale: 2, color: .black, anchor: .middle, vertical: true))
        scene.elements.append(.text(title, at: ScenePoint(x: (left + right) / 2, y: 28), scale: 2, color: .black, anchor: .middle, vertical: false))
    }

    /// The legend box in the lower right corner of the plot.
    func drawLegend(into scene: inout PlotScene, series: [ROCPlot.Series]) {
        let lines = series.map { s -> String in
            String(format: "%@: AUC %.4f, EER %.2f%%", s.label, s.curve.auc, 100 * s.curve.equalErrorRate.rate)
        }
        let textWidth = Double(lines.map { BitmapFont.width(of: $0) }.max() ?? 0)
        let boxWidth = min(textWidth + 44, right - left - 20), rowHeight = 18.0
        let boxHeight = Double(lines.count) * rowHeight + 10
        let x0 = right - 10 - boxWidth, y0 = bottom - 10 - boxHeight
        scene.elements.append(.rect(x: x0 - 1, y: y0 - 1, width: boxWidth + 2, height: boxHeight + 2, color: .gray))
        scene.elements.append(.rect(x: x0, y: y0, width: boxWidth, height: boxHeight, color: .white))
        for (index, line) in lines.enumerated() {
            let color = PlotColor.series[index % PlotColor.series.count]
            let y = y0 + 5 + rowHeight * (Double(index) + 0.5)
            scene.elements.append(.line([ScenePoint(x: x0 + 8, y: y), ScenePoint(x: x0 + 30, y: y)], color: color, width: 2, dashed: false))
            scene.elements.append(.text(line, at: ScenePoint(x: x0 + 36, y: y + 4), scale: 1, color: .black, anchor: .start, vertical: false))
        }
    }

    private func grid(_ scene: inout PlotScene, vertical position: Double, minor: Bool) {
        let x = Self.snap(position)
        scene.elements.append(.line([ScenePoint(x: x, y: top), ScenePoint(x: x, y: bottom)],
                                    color: minor ? PlotColor(red: 242, green: 242, blue: 242) : .lightGray, width: 1, dashed: false))
    }

    /// The centre of the pixel containing `v`, where a 1-pixel line is crisp.
    private static func snap(_ v: Double) -> Double { v.rounded(.down) + 0.5 }

    /// `1e-4`, `1e-3`, `0.01`, `0.1`, `1`.
    private static func decade(_ e: Int) -> String {
        switch e {
        case 0: return "1"
        case -1: return "0.1"
        case -2: return "0.01"
        default: return "1e\(e)"
        }
    }
}
