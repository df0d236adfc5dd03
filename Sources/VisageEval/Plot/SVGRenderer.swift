/// Writes a ``PlotScene`` as a standalone SVG document.
enum SVGRenderer {
    /// The SVG text.
    static func render(_ scene: PlotScene) -> String {
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(scene.width)" height="\(scene.height)" \
        viewBox="0 0 \(scene.width) \(scene.height)" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">
        <rect width="100%" height="100%" fill="\(scene.background.hex)"/>

        """
        for element in scene.elements {
            out += element.svg + "\n"
        }
        return out + "</svg>\n"
    }

    /// A number with at most two decimals.
    static func n(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}

extension SceneElement {
    /// The element as one SVG tag.
    fileprivate var svg: String {
        let n = SVGRenderer.n
        switch self {
        case .line(let points, let color, let width, let dashed):
            let list = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
            let dash = dashed ? " stroke-dasharray=\"\(n(PlotScene.dash.on)) \(n(PlotScene.dash.off))\"" : ""
            return "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(color.hex)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\"\(dash)/>"
        case .rect(let x, let y, let w, let h, let color):
            return "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"\(color.hex)\"/>"
        case .circle(let c, let r, let color):
            return "<circle cx=\"\(n(c.x))\" cy=\"\(n(c.y))\" r=\"\(n(r))\" fill=\"\(color.hex)\"/>"
        case .text(let text, let at, let scale, let color, let anchor, let vertical):
            let a: String
            switch anchor {
            case .start: a = "start"
            case .middle: a = "middle"
            case .end: a = "end"
            }
            // The bitmap font is 7 px of cap height per scale; a monospace font of size
            // 10·scale has about that cap height.
            let rotate = vertical ? " transform=\"rotate(-90 \(n(at.x)) \(n(at.y)))\"" : ""
            return "<text x=\"\(n(at.x))\" y=\"\(n(at.y))\" font-size=\"\(10 * scale)\" fill=\"\(color.hex)\" text-anchor=\"\(a)\"\(rotate)>\(MarkupEscaping.escaped(text))</text>"
        }
    }
}
