import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO

@main
struct Argus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "argus",
        abstract: "Evaluate computer-vision models and act on the results.",
        discussion: """
            Reads AutoML JSONL/MLTable, COCO, Pascal VOC, YOLO, classification folders and the \
            multi-label CSV; validates, converts, splits and summarises them.

            Exit codes: 0 success, 1 the data is invalid, 64 a usage error.
            """,
        version: "0.1.0",
        subcommands: [
            Validate.self, Convert.self, Split.self, Stats.self, Evaluate.self, Merge.self, ReportCommand.self,
            Compare.self,
        ]
    )
}
