import Foundation
import VisageEval

/// Writes a ROC plot as SVG and/or PNG, naming the path in any error.
func writeROC(_ plot: ROCPlot, svg: String?, png: String?) throws {
    if let path = svg {
        do {
            try Data(plot.svg().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CLIError("cannot write \(path): \(error.localizedDescription)")
        }
    }
    if let path = png {
        do {
            try plot.image().write(to: path, as: .png())
        } catch {
            throw CLIError("cannot write \(path): \(error)")
        }
    }
}
