import ArgumentParser
import ArgusIO
import ArgusPipeline
import ArgusResults

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Merge the states of evaluation shards into one evaluation's output.",
        discussion: """
            Each shard is evaluated with `argus evaluate … --shard I/N --state-output FILE`, anywhere; the \
            merge writes the metrics.json (and curves.json, matches.jsonl) that one evaluation of all the \
            images would write. Shards must come from the same inputs and settings and must not overlap.

            Example:
              for i in 0 1 2 3; do argus evaluate --ground-truth gt.json --predictions results.json --metric-type coco_voc --shard $i/4 --state-output shard$i.state; done
              argus merge shard0.state shard1.state shard2.state shard3.state --output eval/
            """
    )

    @Argument(help: "The state files.")
    var states: [String]

    @Option(name: .shortAndLong, help: "The output folder.")
    var output: String

    @Flag(
        name: .customLong("bootstrap-records"),
        help: "Also write coco_matches.json (the images' COCO matching, for the gate's coco.* bootstrap).")
    var keepCOCOMatching = false

    @OptionGroup var overwriting: OverwriteOption

    func run() throws {
        try Console.guarding {
            try OutputFile.checkDestination(output, overwrite: overwriting.overwrite, inputs: states)
            var loaded: [(file: String, state: EvaluationState)] = []
            for path in states {
                loaded.append((path, try EvaluationState.read(path)))
            }
            let merged = try EvaluationState.merge(loaded)
            let (job, outcome) = merged.outcome(keepCOCOMatching: keepCOCOMatching)
            try job.write(outcome, to: output, overwrite: overwriting.overwrite)
            print(Evaluate.summary(job.metricsFile(outcome), output: output))
        }
    }
}
