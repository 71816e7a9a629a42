import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO
import Foundation

@main
struct Argus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "argus",
        abstract: "Evaluate computer-vision models and act on the results.",
        discussion: """
            Reads AutoML JSONL/MLTable, COCO, Pascal VOC, YOLO, classification folders and the \
            multi-label CSV; validates, converts, splits and summarises them.

            Exit codes: 0 success, 1 the data is invalid (or, for gate, a rule failed), 2 the gate could \
            not judge, 64 a usage error.
            """,
        version: ArgusVersion.current,
        subcommands: [
            Validate.self, Convert.self, Split.self, Stats.self, Evaluate.self, Merge.self, ReportCommand.self,
            Compare.self, Record.self, History.self, Runs.self, GateCommand.self, Nightly.self, Train.self, Infer.self,
            Explain.self, Job.self, Retrain.self,
        ]
    )

    /// Says "unknown command" (with the nearest name) for a misspelled subcommand, instead of the
    /// parser's complaint about the options that follow it.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("-"), first != "help" {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName ?? defaultName($0) }
            if !names.contains(first) {
                let nearest = names.min { Spelling.distance($0, first) < Spelling.distance($1, first) }
                let hint =
                    nearest.flatMap { Spelling.distance($0, first) <= 3 ? " (did you mean '\($0)'?)" : nil } ?? ""
                Console.printError(
                    "error: unknown command '\(first)'\(hint); the commands are \(names.joined(separator: ", "))")
                Console.printError("Usage: argus <command> [options]; see 'argus --help'.")
                Foundation.exit(64)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// The command-line name a command gets from its type name (as swift-argument-parser derives it).
    static func defaultName(_ command: ParsableCommand.Type) -> String {
        String(describing: command).lowercased()
    }

}
