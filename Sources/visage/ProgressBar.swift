import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar {
    private let total: Int
    private let title: String
    private let start = Date()
    private let enabled: Bool

    /// Creates a bar for `total` steps.
    init(total: Int, title: String, enabled: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = max(total, 1)
        self.title = title
        self.enabled = enabled
    }

    /// Redraws the bar after `done` steps.
    func update(_ done: Int) {
        guard enabled else { return }
        let width = 30, filled = min(width, done * width / total)
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r%@ [%@] %d/%d  %.0f s, %.0f s left ", title, bar, done, total, elapsed, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
