import ArgusTestSupport
import Foundation
import Testing

@testable import ArgusRegistry

/// The registry under real processes: concurrent recorders and a recorder killed half-way.
@Suite struct ReliabilityTests {
    static let binary = Repository.path(".build/debug/argus")

    @Test(arguments: Stores.all)
    func concurrentRecordersLoseAndCorruptNothing(_ store: String) throws {
        let folder = ScratchFolder()
        let evaluation = try RegistryTests.digits(folder)
        let registry = try Stores.location(store, in: folder)
        _ = try Registry(path: registry)
        let processes = 8
        let statuses = ThreadSafeList()
        DispatchQueue.concurrentPerform(iterations: processes) { index in
            let run = try? ProgramRun.run(
                Self.binary, ["record", evaluation, "--model", "m@\(index)", "--registry", registry])
            statuses.append(run?.status ?? -1, run?.err ?? "not started")
        }
        #expect(statuses.values.allSatisfy { $0.0 == 0 }, "\(statuses.values)")
        let records = try Registry(path: registry)
        #expect(try records.runs().count == processes)
        #expect(try Stores.intact(registry))
        let models = try records.database.query("SELECT COUNT(*) FROM models").first?.first?.integer
        #expect(models == Int64(processes))
    }

    @Test(arguments: Stores.all)
    func aRecorderKilledHalfWayLeavesNothingHalfRecorded(_ store: String) throws {
        let folder = ScratchFolder()
        let evaluation = try RegistryTests.digits(folder)
        let registry = try Stores.location(store, in: folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["record", evaluation, "--model", "m@1", "--registry", registry]
        // Test hook: the recorder pauses inside its transaction, after the evaluation's row.
        process.environment = ProcessInfo.processInfo.environment.merging(["ARGUS_TEST_PAUSE_IN_RECORD": "30"]) { $1 }
        try process.run()
        // Wait until the transaction holds the write lock (the marker file appears), then kill.
        let marker = Registry.pauseMarker(registry)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: marker))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let after = try Registry(path: registry)
        #expect(try after.runs().isEmpty)
        #expect(try after.database.query("SELECT COUNT(*) FROM metrics").first?.first?.integer == 0)
        #expect(try Stores.intact(registry))
        // The registry still takes records.
        let again = try ProgramRun.run(Self.binary, ["record", evaluation, "--model", "m@1", "--registry", registry])
        #expect(again.status == 0, "\(again.err)")
        #expect(try Registry(path: registry).runs().count == 1)
    }
}

/// A list that concurrent threads append to.
final class ThreadSafeList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int32, String)] = []

    func append(_ status: Int32, _ text: String) {
        lock.lock()
        items.append((status, text))
        lock.unlock()
    }

    var values: [(Int32, String)] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
