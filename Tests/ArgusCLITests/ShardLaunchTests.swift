import ArgusTestSupport
import Foundation
import Testing

/// `evaluate --shards N --launcher local|slurm`: the shards' merged metrics equal one whole evaluation's.
@Suite struct ShardLaunchTests {
    static let toy = Repository.path("golden/peers/review_object_detection_metrics/toyexample")

    func metrics(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/metrics.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["metrics"] as? [String: Any] ?? [:]
    }

    func evaluate(_ output: String, _ extra: [String]) throws -> ProgramRun.Result {
        try ProgramRun.run(
            CLITests.binary,
            [
                "evaluate", "--ground-truth", Self.toy + "/gts_coco_format/toy_example_coco.JSON", "--predictions",
                Self.toy + "/dets_coco_format/coco_dets.json", "--metric-type", "coco_voc", "--output", output,
                "--bootstrap-records",
            ] + extra)
    }

    @Test(arguments: ["local", "slurm"])
    func shardsMergeToTheWholeEvaluation(_ launcher: String) throws {
        if launcher == "slurm" && ProcessInfo.processInfo.environment["ARGUS_TEST_SLURM_CONF"] == nil {
            print(
                "Slurm shard test skipped: no cluster (run the tests through scripts/with-slurm.sh, as make test does)")
            return
        }
        let folder = Scratch.folder()
        let whole = try evaluate(folder + "/whole", [])
        #expect(whole.status == 0, "\(whole.err)")
        let sharded = try evaluate(folder + "/sharded", ["--shards", "3", "--launcher", launcher])
        #expect(sharded.status == 0, "\(sharded.err)")
        #expect(sharded.out.contains(launcher == "slurm" ? "ran 3 shards as Slurm job array" : "ran 3 shards here"))
        let a = try metrics(folder + "/whole")
        let b = try metrics(folder + "/sharded")
        #expect(!a.isEmpty && NSDictionary(dictionary: a).isEqual(to: b))
        #expect(!FileManager.default.fileExists(atPath: folder + "/sharded.shards"))
        // The COCO matching kept for the gate: the same entries and images, in shard order.
        let (wholeEntries, wholeImages) = try cocoMatching(folder + "/whole")
        let (shardEntries, shardImages) = try cocoMatching(folder + "/sharded")
        #expect(!wholeEntries.isEmpty && wholeEntries == shardEntries)
        #expect(!wholeImages.isEmpty && wholeImages == shardImages)
    }

    /// coco_matches.json's entries (as JSON text) and its image ids with their names, as sets.
    func cocoMatching(_ folder: String) throws -> (entries: Set<String>, images: Set<String>) {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/coco_matches.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require(root["entries"] as? [Any]).map { entry in
            String(decoding: try JSONSerialization.data(withJSONObject: entry), as: UTF8.self)
        }
        let ids = try #require(root["image_ids"] as? [Int])
        let names = try #require(root["image_names"] as? [String])
        return (Set(entries), Set(zip(ids, names).map { "\($0) \($1)" }))
    }
}
