// Geometry value types with dlib's conventions: x to the right, y down, origin at the top-left
// pixel's centre; rectangles are *inclusive* (right and bottom belong to the rectangle).

/// An integer pixel position.
public struct PixelPoint: Hashable, Sendable, CustomStringConvertible {
    /// Column (grows to the right).
    public var x: Int
    /// Row (grows downwards).
    public var y: Int

    /// Creates a point.
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }

    /// `(x, y)`.
    public var description: String { "(\(x), \(y))" }
}

/// An integer rectangle with inclusive bounds (dlib's `rectangle`): it covers columns
/// `left...right` and rows `top...bottom`; it is empty when `left > right` or `top > bottom`.
public struct PixelRect: Hashable, Sendable, CustomStringConvertible {
    /// The first column.
    public var left: Int
    /// The first row.
    public var top: Int
    /// The last column (inclusive).
    public var right: Int
    /// The last row (inclusive).
    public var bottom: Int

    /// Creates a rectangle from its inclusive bounds.
    public init(left: Int, top: Int, right: Int, bottom: Int) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    /// Whether the rectangle contains no pixel.
    public var isEmpty: Bool { left > right || top > bottom }
    /// `right − left + 1`, or 0 when empty.
    public var width: Int { isEmpty ? 0 : right - left + 1 }
    /// `bottom − top + 1`, or 0 when empty.
    public var height: Int { isEmpty ? 0 : bottom - top + 1 }
    /// `width · height`.
    public var area: Int { width * height }

    /// Whether `p` lies inside (bounds included).
    public func contains(_ p: PixelPoint) -> Bool {
        p.x >= left && p.x <= right && p.y >= top && p.y <= bottom
    }

    /// The pixels in both rectangles (possibly empty).
    public func intersection(_ other: PixelRect) -> PixelRect {
        PixelRect(left: max(left, other.left), top: max(top, other.top),
                  right: min(right, other.right), bottom: min(bottom, other.bottom))
    }

    /// `(left, top, right, bottom)`.
    public var description: String { "(\(left), \(top), \(right), \(bottom))" }
}

/// A real-valued point (dlib's `dpoint`).
public struct RealPoint: Hashable, Sendable {
    /// Horizontal coordinate.
    public var x: Double
    /// Vertical coordinate.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A real-valued rectangle (dlib's `drectangle`): `width = right − left + 1` like the integer
/// rectangle, so a chip rectangle of width `w` spans `right − left = w − 1`.
public struct RealRect: Hashable, Sendable, CustomStringConvertible {
    /// Left edge.
    public var left: Double
    /// Top edge.
    public var top: Double
    /// Right edge.
    public var right: Double
    /// Bottom edge.
    public var bottom: Double

    /// Creates a rectangle from its bounds.
    public init(left: Double, top: Double, right: Double, bottom: Double) {
        self.left = left
        self.top = top
        self.right = right
        self.bottom = bottom
    }

    /// The same rectangle with real bounds.
    public init(_ rect: PixelRect) {
        self.init(left: Double(rect.left), top: Double(rect.top), right: Double(rect.right), bottom: Double(rect.bottom))
    }

    /// Whether `left > right` or `top > bottom`.
    public var isEmpty: Bool { left > right || top > bottom }
    /// `right − left + 1`, or 0 when empty.
    public var width: Double { isEmpty ? 0 : right - left + 1 }
    /// `bottom − top + 1`, or 0 when empty.
    public var height: Double { isEmpty ? 0 : bottom - top + 1 }
    /// `width · height`.
    public var area: Double { width * height }
    /// The centre `((left + right) / 2, (top + bottom) / 2)`.
    public var center: RealPoint { RealPoint(x: (left + right) / 2, y: (top + bottom) / 2) }

    /// `(left, top, right, bottom)`.
    public var description: String { "(\(left), \(top), \(right), \(bottom))" }
}
