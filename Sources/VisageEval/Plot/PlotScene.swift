/// An sRGB colour for plots.
public struct PlotColor: Equatable, Sendable {
    /// Red, 0…255.
    public let red: UInt8
    /// Green, 0…255.
    public let green: UInt8
    /// Blue, 0…255.
    public let blue: UInt8

    /// Creates a colour from its components.
    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb`.
    public var hex: String {
        "#" + [red, green, blue].map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Black.
    public static let black = PlotColor(red: 0, green: 0, blue: 0)
    /// White.
    public static let white = PlotColor(red: 255, green: 255, blue: 255)
    /// Mid grey, for reference lines.
    public static let gray = PlotColor(red: 128, green: 128, blue: 128)
    /// Light grey, for grid lines.
    public static let lightGray = PlotColor(red: 225, green: 225, blue: 225)
    /// The series colours, in order (Tableau 10's first five).
    public static let series = [
        PlotColor(red: 31, green: 119, blue: 180), PlotColor(red: 214, green: 39, blue: 40),
        PlotColor(red: 44, green: 160, blue: 44), PlotColor(red: 255, green: 127, blue: 14),
        PlotColor(red: 148, green: 103, blue: 189),
    ]
}

/// A point in scene coordinates: pixels, origin top left, y down.
struct ScenePoint: Equatable {
    var x: Double
    var y: Double
}

/// How a text is placed relative to its anchor point (which is on the baseline).
enum TextAnchor {
    case start, middle, end
}

/// One thing to draw.
enum SceneElement {
    /// A polyline.
    case line([ScenePoint], color: PlotColor, width: Double, dashed: Bool)
    /// A filled rectangle.
    case rect(x: Double, y: Double, width: Double, height: Double, color: PlotColor)
    /// A filled circle.
    case circle(center: ScenePoint, radius: Double, color: PlotColor)
    /// Text in the bitmap font at an integer `scale` (glyphs are 7·scale pixels high); `vertical`
    /// text runs bottom to top.
    case text(String, at: ScenePoint, scale: Int, color: PlotColor, anchor: TextAnchor, vertical: Bool)
}

/// A resolution-independent drawing: rendered to SVG text or to a raster image.
struct PlotScene {
    /// Width in pixels.
    var width: Int
    /// Height in pixels.
    var height: Int
    /// Background colour.
    var background: PlotColor = .white
    /// The elements, drawn in order.
    var elements: [SceneElement] = []

    /// The dash pattern of dashed lines: on, off (pixels).
    static let dash = (on: 6.0, off: 4.0)
}
