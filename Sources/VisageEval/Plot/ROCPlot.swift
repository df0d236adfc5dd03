import Foundation
import VisageImage

/// A ROC plot (true-accept rate against false-accept rate) of one or more curves, written as
/// SVG text or rendered to a PNG by VisageEval's own rasteriser.
///
/// Each curve is drawn through its exact points, with a dot at its equal-error point and an
/// optional ring at a chosen operating point; a legend gives each curve's AUC and EER.
public struct ROCPlot: Sendable {
    /// The horizontal (FAR) axis.
    public enum FARAxis: Sendable, Equatable {
        /// FAR from 0 to 1, with the chance diagonal; TAR from 0 to 1.
        case linear
        /// FAR on a log scale from `minimum` (a power of ten; `nil`: the decade at or below
        /// 1 / impostor pairs) to 1; TAR from the tenth below the lowest visible TAR to 1.
        /// Points with a smaller FAR are drawn on the left edge.
        case logarithmic(minimum: Double?)
    }

    /// One curve.
    public struct Series: Sendable {
        /// The legend label.
        public var label: String
        /// The curve.
        public var curve: ROCCurve
        /// An operating point to mark with a ring (e.g. the chosen threshold), if any.
        public var marker: ROCPoint?

        /// Creates a series.
        public init(label: String, curve: ROCCurve, marker: ROCPoint? = nil) {
            self.label = label
            self.curve = curve
            self.marker = marker
        }
    }

    /// The curves, drawn in the colours of ``PlotColor/series`` in order.
    public var series: [Series]
    /// The title above the plot.
    public var title: String
    /// The FAR axis.
    public var farAxis: FARAxis
    /// Width of the picture in pixels.
    public var width: Int
    /// Height of the picture in pixels.
    public var height: Int

    /// Creates a plot.
    /// - Parameters:
    ///   - series: the curves (at least one).
    ///   - title: the title.
    ///   - farAxis: the FAR axis (log by default).
    ///   - width: picture width in pixels (clamped to 320…4096).
    ///   - height: picture height in pixels (clamped to 240…4096).
    public init(series: [Series], title: String, farAxis: FARAxis = .logarithmic(minimum: nil),
                width: Int = 720, height: Int = 540) {
        self.series = series
        self.title = title
        self.farAxis = farAxis
        self.width = min(max(width, 320), 4096)
        self.height = min(max(height, 240), 4096)
    }

    /// The plot as a standalone SVG document.
    public func svg() -> String { SVGRenderer.render(scene()) }

    /// The plot rendered to an RGB image.
    public func image() -> Image { RasterRenderer.render(scene()) }

    /// The plot as a PNG file.
    /// - Throws: an ``ImageError`` if encoding fails.
    public func pngData() throws -> [UInt8] { try image().pngData() }

    /// Lays out the plot.
    func scene() -> PlotScene {
        let axes = ROCAxes(plot: self)
        var scene = PlotScene(width: width, height: height)
        axes.drawFrame(into: &scene, title: title)
        for (index, s) in series.enumerated() {
            let color = PlotColor.series[index % PlotColor.series.count]
            scene.elements.append(.line(axes.polyline(s.curve.points), color: color, width: 2, dashed: false))
            let eer = s.curve.equalErrorRate.rate
            scene.elements.append(.circle(center: axes.point(far: eer, tar: 1 - eer), radius: 4, color: color))
            if let marker = s.marker {
                let at = axes.point(far: marker.far, tar: marker.tar)
                scene.elements.append(.circle(center: at, radius: 6, color: color))
                scene.elements.append(.circle(center: at, radius: 3, color: .white))
            }
        }
        axes.drawLegend(into: &scene, series: series)
        return scene
    }
}
