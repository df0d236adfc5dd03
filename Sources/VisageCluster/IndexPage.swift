import Foundation
import VisageEval

/// The static `index.html` of a clustering run: a summary, then each group's contact sheet with
/// its size, name, the command that enrols it, and its photos.
public enum IndexPage {
    /// The page for a report whose sheets sit next to it.
    public static func html(for report: ClusterReport) -> String {
        var body = """
        <h1>Faces grouped by visage cluster</h1>
        <p class="summary">\(report.images) photos, \(report.faceCount) faces, \(report.groups.count) groups, \
        \(report.unassigned.count) faces in no group · \(MarkupEscaping.escaped(report.method.rawValue)), threshold \
        \(report.threshold), groups of ≥ \(report.minSize) · \(MarkupEscaping.escaped(report.pipeline)) · \(MarkupEscaping.escaped(report.created))</p>
        <p class="hint">The framed face is each group's representative. To name a group:
        <code>visage cluster --enroll ID NAME --report report.json</code></p>

        """
        for group in report.groups {
            let title = group.name.map { " · <span class=\"name\">\(MarkupEscaping.escaped($0))</span>" } ?? ""
            body += """
            <section id="group-\(group.id)">
            <h2>Group \(group.id) · \(group.size) face\(group.size == 1 ? "" : "s")\(title)</h2>
            \(sheet(group.sheet, more: group.size - ContactSheet.maximumFaces))
            <p class="enrol"><code>visage cluster --enroll \(group.id) NAME --report report.json</code></p>
            \(faceList(group.faces))
            </section>

            """
        }
        if !report.unassigned.isEmpty {
            body += """
            <section id="unassigned">
            <h2>In no group · \(report.unassigned.count) faces</h2>
            \(sheet("unassigned.png", more: report.unassigned.count - ContactSheet.maximumFaces))
            \(faceList(report.unassigned))
            </section>

            """
        }
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>visage cluster · \(report.groups.count) groups</title>
        <style>
        body { font-family: system-ui, sans-serif; background: #1b1b1b; color: #e8e8e8; margin: 2em; }
        h1 { font-weight: 600; } h2 { font-weight: 500; margin-bottom: .4em; }
        section { border-top: 1px solid #444; padding: 1em 0; }
        img.sheet { max-width: 100%; image-rendering: auto; border-radius: 4px; }
        .summary, .hint, .more { color: #aaa; } .name { color: #ffbf00; }
        code { background: #2c2c2c; padding: .1em .3em; border-radius: 3px; }
        details { color: #bbb; font-size: 90%; } li { font-family: ui-monospace, monospace; }
        </style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    private static func sheet(_ name: String?, more: Int) -> String {
        guard let name else { return "" }
        let extra = more > 0 ? "<p class=\"more\">and \(more) more (see the list below)</p>" : ""
        return "<img class=\"sheet\" src=\"\(MarkupEscaping.escaped(name))\" alt=\"faces\">\(extra)"
    }

    private static func faceList(_ faces: [ReportFace]) -> String {
        let items = faces.map { face -> String in
            let b = face.box
            let known = face.knownAs.map { " — \(MarkupEscaping.escaped($0))" } ?? ""
            return "<li>\(MarkupEscaping.escaped(face.image)) #\(face.face) [\(Int(b.left)), \(Int(b.top)), \(Int(b.right)), \(Int(b.bottom))]\(known)</li>"
        }
        return "<details><summary>photos</summary><ul>\n\(items.joined(separator: "\n"))\n</ul></details>"
    }
}
