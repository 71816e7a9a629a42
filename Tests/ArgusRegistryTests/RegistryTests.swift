import ArgusCore
import ArgusIO
import ArgusPipeline
import ArgusResults
import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusRegistry

/// The SQLite registry: recording, queries, migrations, secrets.
@Suite struct RegistryTests {
    /// The digits evaluation (logistic regression or naive Bayes) written into `folder`.
    static func digits(
        _ folder: ScratchFolder, _ name: String = "lr", predictions: String = "predictions.jsonl",
        probabilities: Bool = false
    ) throws -> String {
        var job = ClassificationEvaluationJob(
            groundTruth: Repository.path("samples/digits/validation.jsonl"),
            predictions: Repository.path("samples/digits/" + predictions))
        job.keepProbabilities = probabilities
        let output = folder.file(name)
        try job.write(try job.run(), to: output, overwrite: false)
        return output
    }

    @Test(arguments: Stores.all)
    func anEvaluationIsRecordedWithEveryMetricAndItsFiles(_ store: String) throws {
        let folder = ScratchFolder()
        let evaluation = try Self.digits(folder)
        let registry = try Registry(path: try Stores.location(store, in: folder))
        let record = try EvaluationRecord(
            folder: evaluation, model: Registry.ModelReference("digits-lr@1.0"), dataset: "digits")
        let id = try registry.record(record)
        let details = try registry.details(id)
        #expect(details.run.model == "digits-lr@1.0" && details.run.dataset == "digits")
        #expect(details.run.task == "image_classification" && details.run.primaryMetric == "accuracy")
        let metrics = try ClassificationMetricsFile.read(evaluation + "/metrics.json")
        #expect(details.run.primaryValue == metrics.scalar("accuracy"))
        #expect(details.metrics.count == metrics.scalars.count)
        #expect(details.labelMetrics.count >= metrics.perLabel.count * 6)
        #expect(Set(details.artifacts.map(\.kind)) == ["metrics.json", "curves.json", "matches.jsonl"])
        // The checksum agrees with coreutils' sha256sum.
        let artifact = try #require(details.artifacts.first { $0.kind == "metrics.json" })
        let sum = try ProgramRun.run("/usr/bin/sha256sum", [artifact.path])
        #expect(sum.out.hasPrefix(artifact.sha256))
        #expect(details.argusVersion == ArgusVersion.current && !details.host.isEmpty)
    }

    @Test(arguments: Stores.all)
    func historyAndRunsFollowTheRecords(_ store: String) throws {
        let folder = ScratchFolder()
        let registry = try Registry(path: try Stores.location(store, in: folder))
        let first = try Self.digits(folder, "nb", predictions: "predictions_naive_bayes.jsonl")
        let second = try Self.digits(folder, "lr")
        try registry.record(
            EvaluationRecord(folder: first, model: Registry.ModelReference("digits@1"), dataset: "digits"))
        try registry.record(
            EvaluationRecord(folder: second, model: Registry.ModelReference("digits@2"), dataset: "digits"))
        let trend = try registry.history(model: "digits", dataset: "digits")
        #expect(trend.map(\.run.model) == ["digits@1", "digits@2"])
        let f1 = try registry.history(model: "digits", metric: "f1_score_macro")
        #expect(f1.count == 2 && f1.allSatisfy { $0.value != nil })
        #expect(try registry.runs(model: "digits@2").count == 1)
        #expect(try registry.evaluation(of: Registry.ModelReference("digits@1")!)?.folder == PathTools.absolute(first))
        #expect(try registry.runs(model: "other").isEmpty)
    }

    @Test(arguments: Stores.all)
    func olderRegistriesAreMigratedAndNewerOnesRefused(_ store: String) throws {
        let folder = ScratchFolder()
        let location = try Stores.location(store, in: folder)
        // A registry at schema version 1 (before gate decisions), made below the registry's API.
        do {
            let database = try Stores.database(location)
            try database.execute(database.dialect.schema(RegistrySchema.migrations[0]))
            _ = try database.schemaVersion()
            try database.setSchemaVersion(1)
        }
        let registry = try Registry(path: location)
        #expect(try registry.runs().isEmpty)
        try registry.recordGate(
            candidate: nil, baseline: nil, candidateFolder: "x", baselineFolder: nil, policy: "rules: []", passed: true,
            report: "{}")
        #expect(try Stores.database(location).schemaVersion() == Registry.schemaVersion)
        // One made by a newer Argus is refused.
        try Stores.database(location).setSchemaVersion(99)
        #expect {
            _ = try Registry(path: location)
        } throws: { error in
            "\(error)".contains("schema version 99") && "\(error)".contains("newer Argus")
        }
    }

    @Test func secretsAreRedacted() {
        #expect(
            Secrets.redacted("argus history --registry postgresql://argus:hunter2@db:5432/argus")
                == "argus history --registry postgresql://argus:***@db:5432/argus")
        #expect(Secrets.redacted("--token abc123 --password=xyz") == "--token *** --password=***")
        #expect(Secrets.redacted("https://host/x?token=abc&y=1") == "https://host/x?token=***&y=1")
    }
}

extension RegistryTests {
    /// A connection string's password appears in no message, even when the connection fails.
    @Test func aPasswordIsNeverPrinted() throws {
        let run = try ProgramRun.run(
            Repository.path(".build/debug/argus"),
            ["history", "--registry", "postgresql://argus:s3cret-pw@127.0.0.1:1/registry"])
        #expect(run.status == 1, "\(run.err)")
        #expect(!run.err.contains("s3cret-pw") && !run.out.contains("s3cret-pw"), "\(run.err)")
        #expect(run.err.contains("postgresql://argus:***@127.0.0.1:1/registry"), "\(run.err)")
    }
}
