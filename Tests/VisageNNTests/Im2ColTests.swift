import VisageNN
import XCTest

/// The column matrix of `Im2Col.fill` against its definition, element by element: row
/// (c·KH + ky)·KW + kx, column s·Ho·Wo + oy·Wo + ox holds input (s, c, oy·sy − top + ky,
/// ox·sx − left + kx), or 0 outside the image.
final class Im2ColTests: XCTestCase {
    private func check(samples: Int, channels: Int, h: Int, w: Int, kh: Int, kw: Int, sy: Int, sx: Int,
                       pad: Padding, file: StaticString = #filePath, line: UInt = #line) {
        let ho = (h + pad.top + pad.bottom - kh) / sy + 1, wo = (w + pad.left + pad.right - kw) / sx + 1
        let source = (0..<(samples * channels * h * w)).map { Float($0 + 1) }
        let rows = channels * kh * kw, cols = samples * ho * wo
        var columns = [Float](repeating: -1, count: rows * cols)
        source.withUnsafeBufferPointer { src in
            columns.withUnsafeMutableBufferPointer { dst in
                Im2Col.fill(dst.baseAddress!, from: src.baseAddress!, samples: samples, channels: channels, h: h, w: w,
                            kh: kh, kw: kw, sy: sy, sx: sx, pad: pad, ho: ho, wo: wo)
            }
        }
        var wrong = 0
        for c in 0..<channels {
            for ky in 0..<kh {
                for kx in 0..<kw {
                    for s in 0..<samples {
                        for oy in 0..<ho {
                            for ox in 0..<wo {
                                let iy = oy * sy - pad.top + ky, ix = ox * sx - pad.left + kx
                                let expected = iy >= 0 && iy < h && ix >= 0 && ix < w
                                    ? source[((s * channels + c) * h + iy) * w + ix] : 0
                                let r = (c * kh + ky) * kw + kx, j = (s * ho + oy) * wo + ox
                                if columns[r * cols + j] != expected { wrong += 1 }
                            }
                        }
                    }
                }
            }
        }
        XCTAssertEqual(wrong, 0, "\(wrong) of \(rows * cols) column entries differ", file: file, line: line)
    }

    func testPointwiseColumnsAreTheInputPlanesSideBySide() {
        check(samples: 3, channels: 5, h: 4, w: 7, kh: 1, kw: 1, sy: 1, sx: 1, pad: .zero)
    }

    func testPaddedAndStridedWindows() {
        check(samples: 2, channels: 3, h: 6, w: 5, kh: 3, kw: 3, sy: 1, sx: 1, pad: Padding(1))
        check(samples: 2, channels: 2, h: 9, w: 8, kh: 3, kw: 3, sy: 2, sx: 2, pad: Padding(top: 0, bottom: 1, left: 1, right: 0))
        check(samples: 1, channels: 2, h: 5, w: 5, kh: 1, kw: 1, sy: 2, sx: 2, pad: .zero)
    }
}
