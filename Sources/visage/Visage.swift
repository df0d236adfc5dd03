import ArgumentParser
import Visage

/// The `visage` command-line tool.
@main
struct VisageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visage",
        abstract: "Face recognition: detect, embed, verify and identify faces.",
        subcommands: [])
}
