import Foundation
import VisageImage

/// Writes a run's contact sheets — `group-0001.png`, … and `unassigned.png` — and an `index.html`
/// that shows them all (static files, no server needed).
public struct ContactSheetWriter {
    /// The output folder.
    public let folder: URL
    /// A face's thumbnail bytes.
    public let thumbnail: (ReportFace) -> Data?

    /// A writer into `folder` taking thumbnails from `thumbnail`.
    public init(folder: URL, thumbnail: @escaping (ReportFace) -> Data?) {
        self.folder = folder
        self.thumbnail = thumbnail
    }

    /// The sheet file name of group `id`.
    public static func sheetName(group id: Int) -> String { String(format: "group-%04d.png", id) }

    /// Writes every sheet and the page, and records the sheet names in the report.
    /// - Parameters:
    ///   - report: the run's report; each group's ``ReportGroup/sheet`` is set.
    ///   - progress: called after each sheet with the number written.
    /// - Throws: ``ClusterError/io(path:reason:)`` when a file cannot be written.
    public func write(_ report: inout ClusterReport, progress: (Int) -> Void = { _ in }) throws {
        try createFolder()
        for g in report.groups.indices {
            let group = report.groups[g]
            let ordered = [group.representative] + group.faces.filter { $0 != group.representative }
            let name = Self.sheetName(group: group.id)
            try writeSheet(ordered, framedFirst: true, name: name)
            report.groups[g].sheet = name
            progress(g + 1)
        }
        if !report.unassigned.isEmpty { try writeSheet(report.unassigned, framedFirst: false, name: "unassigned.png") }
        let page = IndexPage.html(for: report)
        try save(Data(page.utf8), name: "index.html")
    }

    private func writeSheet(_ faces: [ReportFace], framedFirst: Bool, name: String) throws {
        let thumbs = faces.prefix(ContactSheet.maximumFaces).map { thumbnail($0) ?? Data() }
        let png: [UInt8]
        do { png = try ContactSheet.render(thumbs, framedFirst: framedFirst).encoded(as: .png()) } catch {
            throw ClusterError.io(path: folder.appendingPathComponent(name).path, reason: "cannot draw the sheet: \(error)")
        }
        try save(Data(png), name: name)
    }

    private func createFolder() throws {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw ClusterError.io(path: folder.path, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
    }

    private func save(_ data: Data, name: String) throws {
        let url = folder.appendingPathComponent(name)
        do { try data.write(to: url, options: .atomic) } catch {
            throw ClusterError.io(path: url.path, reason: error.localizedDescription)
        }
    }
}
