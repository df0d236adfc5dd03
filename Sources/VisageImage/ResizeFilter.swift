import Foundation

/// Resampling filters for ``Image/resized(width:height:filter:)``, each reproducing Pillow's
/// `Image.resize` with the filter of the same name pixel for pixel.
///
/// The convolution filters widen their support when shrinking (Pillow's antialiasing), so a
/// downscale averages every source pixel; they are not OpenCV's `INTER_LINEAR`.
public enum ResizeFilter: Sendable, Equatable, CaseIterable {
    /// Nearest neighbour: `out[y][x] = in[⌊(y+½)·H/h⌋][⌊(x+½)·W/w⌋]` (Keras `load_img` default).
    case nearest
    /// Box (area average when shrinking).
    case box
    /// Triangle filter: bilinear interpolation, area-weighted when shrinking.
    case bilinear
    /// Keys cubic convolution with a = −0.5.
    case bicubic
    /// Lanczos windowed sinc with 3 lobes.
    case lanczos

    /// Half the filter's width in source pixels at scale 1.
    var support: Double {
        switch self {
        case .nearest, .box: return 0.5
        case .bilinear: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The filter's weight at distance `x` (in output-scaled source pixels).
    func weight(_ x: Double) -> Double {
        switch self {
        case .nearest, .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let t = abs(x)
            return t < 1 ? 1 - t : 0
        case .bicubic:
            let a = -0.5, t = abs(x)
            if t < 1 { return ((a + 2) * t - (a + 3)) * t * t + 1 }
            if t < 2 { return (((t - 5) * t + 8) * t - 4) * a }
            return 0
        case .lanczos:
            return x >= -3 && x < 3 ? Self.sinc(x) * Self.sinc(x / 3) : 0
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let t = x * Double.pi
        return sin(t) / t
    }
}
