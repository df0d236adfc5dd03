import ArgumentParser
import Foundation
import Visage

/// The `visage` command-line tool.
@main
struct VisageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visage",
        abstract: "Face recognition: detect, embed, verify and identify faces.",
        discussion: """
        Exit codes: 0 = success / match / door open, 1 = no match / rejected / not in the database, \
        2 = error (bad input, missing model, unreadable image).
        """,
        subcommands: [
            DetectCommand.self,
            EmbedCommand.self,
            CompareCommand.self,
            VerifyCommand.self,
            WhoIsItCommand.self,
            EvalCommand.self,
            CalibrateCommand.self,
            TrainCommand.self,
            BenchCommand.self,
            InfoCommand.self,
            EnrollCommand.self,
            IdentifyCommand.self,
            RecognizeCommand.self,
            PeopleCommand.self,
            GalleryCommand.self,
            ClusterCommand.self,
            ServeCommand.self,
        ])

    /// Runs the tool, mapping every failure to exit code 2 with a message on standard error
    /// (1 is reserved for "no match").
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            var message = fullMessage(for: error)
            // ArgumentParser prefixes other errors with "Error: "; ours already read as sentences.
            if message.hasPrefix("Error: ") { message.removeFirst("Error: ".count) }
            FileHandle.standardError.write(Data("error: \(message.isEmpty ? "\(error)" : message)\n".utf8))
            Foundation.exit(2)
        }
    }
}
