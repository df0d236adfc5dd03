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

    /// Sheets drawn at a time, in parallel (their PNGs are held until written).
    static let batchSize = 32
    /// zlib level of the sheets: photographs barely compress further at higher levels, and
    /// deflate at the default 6 was most of a run's time (1,090 sheets).
    static let compressionLevel = 1

    /// Writes every sheet and the page, and records the sheet names in the report.
    ///
    /// Sheets are drawn and encoded in parallel, a batch at a time; the thumbnails are looked up
    /// and the files written on the calling thread.
    /// - Parameters:
    ///   - report: the run's report; each group's ``ReportGroup/sheet`` is set.
    ///   - progress: called after each batch of sheets with the number written.
    /// - Throws: ``ClusterError/io(path:reason:)`` when a file cannot be written.
    public func write(_ report: inout ClusterReport, progress: (Int) -> Void = { _ in }) throws {
        try createFolder()
        var sheets: [(faces: [ReportFace], framedFirst: Bool, name: String)] = report.groups.map { group in
            ([group.representative] + group.faces.filter { $0 != group.representative }, true,
             Self.sheetName(group: group.id))
        }
        if !report.unassigned.isEmpty { sheets.append((report.unassigned, false, "unassigned.png")) }
        var written = 0
        for start in stride(from: 0, to: sheets.count, by: Self.batchSize) {
            let batch = sheets[start ..< min(start + Self.batchSize, sheets.count)]
            let thumbs = batch.map { $0.faces.prefix(ContactSheet.maximumFaces).map { thumbnail($0) ?? Data() } }
            let framed = batch.map(\.framedFirst)
            var drawn = [Result<[UInt8], Error>](repeating: .success([]), count: batch.count)
            drawn.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: batch.count) { i in
                    out[i] = Result { try ContactSheet.render(thumbs[i], framedFirst: framed[i]).encoded(as: .png(compressionLevel: Self.compressionLevel)) }
                }
            }
            for (i, sheet) in batch.enumerated() {
                switch drawn[i] {
                case .success(let png): try save(Data(png), name: sheet.name)
                case .failure(let error):
                    throw ClusterError.io(path: folder.appendingPathComponent(sheet.name).path,
                                          reason: "cannot draw the sheet: \(error)")
                }
            }
            written += batch.count
            progress(min(written, report.groups.count))
        }
        for g in report.groups.indices { report.groups[g].sheet = sheets[g].name }
        let page = IndexPage.html(for: report)
        try save(Data(page.utf8), name: "index.html")
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
