import ArgumentParser
import Foundation
import Visage
import VisageModels
import VisageNN

/// `visage info`: the compute back end and the model cache.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the compute back end and which model files are installed.")

    @Flag(name: .long, help: "Verify the SHA-256 of every installed model file.")
    var verify = false

    func run() throws {
        print("back end: \(Backend.info)")
        let store = ModelStore()
        print("model cache: \(store.directory.path)")
        for file in ModelFile.allCases {
            let status: String
            do {
                _ = try store.url(for: file, verify: verify)
                status = verify ? "ok (sha256 verified)" : "present"
            } catch {
                status = "\(error)"
            }
            print("  \(file.fileName): \(status)")
        }
    }
}
