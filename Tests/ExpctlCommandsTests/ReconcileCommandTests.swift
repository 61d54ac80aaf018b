import ExpctlCommands
import ExpctlPostgres
import Foundation
import PostgresTestSupport
import Testing

/// The expctl executable built beside the test bundle (`swift build --build-tests` builds both).
private let expctlBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("expctl").path

/// Starts expctl as a child process; its output goes to a file read after it exits.
final class ExpctlProcess {
    let process = Process()
    let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-\(UUID().uuidString).out")

    init(_ arguments: [String]) throws {
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: expctlBinary)
        process.arguments = arguments
        let handle = try FileHandle(forWritingTo: outputURL)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: outputURL) }

    var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// Waits for the process, at most `seconds`; its exit status, nil on time-out (then killed).
    func finish(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard !process.isRunning else {
            // Killed, not asked: a test that timed out must not leave a reconciler running.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}

@Suite("expctl reconcile")
struct ReconcileCommandTests {
    @Test func oncePlansAndAppliesThenFindsNoChanges() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let arguments = ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let first = expctl(arguments: arguments)
            #expect(first.status == 0, "\(first.errors)")
            #expect(first.output.hasSuffix("(main): applied 6 to add, 0 to change, 0 to retire\n"))
            let second = expctl(arguments: arguments)
            #expect(second.output.hasSuffix("(main): no changes\n"))
            #expect(try database.count("exp.reconcile_runs") == 1)
        }
    }

    @Test func aHeldLockSaysWhoHoldsItAndChangesNothing() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let other = try database.connect()
            let otherPID = try #require(other.execute("SELECT pg_backend_pid() AS pid").int(0, "pid"))
            // The key the reconciler uses (ASCII "expctlrc").
            try other.execute("SELECT pg_advisory_lock($1)", [.integer(0x6578_7063_746C_7263)])
            let blocked = expctl(arguments: ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url])
            #expect(blocked.status == 1)
            #expect(blocked.errors.contains("another reconciler is running: the lock is held by pid \(otherPID) (expctl) from 127.0.0.1, since "))
            #expect(try database.connect().execute("SELECT to_regclass('exp.experiments') IS NULL AS untouched").bool(0, "untouched") == true)
            try other.execute("SELECT pg_advisory_unlock_all()")
            #expect(expctl(arguments: ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url]).status == 0)
        }
    }

    @Test func twoReconcilersAtOnceApplyExactlyOnce() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            try database.connect().execute("SELECT 1")
            let arguments = ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url]
            let first = try ExpctlProcess(arguments)
            let second = try ExpctlProcess(arguments)
            let statuses = [first.finish(within: 60), second.finish(within: 60)]
            let outputs = first.output + second.output
            #expect(statuses.allSatisfy { $0 == 0 || $0 == 1 }, "\(outputs)")
            #expect(try database.connect().execute("SELECT count(*) AS n FROM exp.reconcile_runs WHERE outcome = 'applied'").int(0, "n") == 1)
            #expect(try database.count("exp.experiments") == 1)
            // The other one either found the lock taken or, coming second, nothing to do.
            #expect(outputs.contains("another reconciler is running") || outputs.contains("no changes"), "\(outputs)")
        }
    }

    @Test func sigtermFinishesThePassAndExitsZero() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let loop = try ExpctlProcess(["reconcile", "--interval", "1s", "--repo", repository.path, "--path", "configs", "--database-url", database.url])
            let deadline = Date().addingTimeInterval(30)
            while !loop.output.contains("applied"), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            #expect(loop.output.contains("applied 6 to add"), "\(loop.output)")
            kill(loop.process.processIdentifier, SIGTERM)
            #expect(loop.finish(within: 20) == 0, "\(loop.output)")
            #expect(loop.output.hasSuffix("reconcile: stopped\n"))
        }
    }

    @Test(arguments: ["inf", "0", "-5s", "5d", "soon"])
    func intervalsMustBePositiveDurations(interval: String) {
        #expect(expctl(arguments: ["reconcile", "--interval", interval]).status == 64)
    }

    @Test func anInvalidBranchStallsUntilANewCommit() throws {
        let repository = try exampleRepository()
        try repository.write("configs/bad.yaml", "experiments: [1]\n")
        try repository.commitAll("bad")
        try TestDatabase.with { (database: TestDatabase) throws in
            let result = expctl(arguments: ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url])
            #expect(result.status == 1)
            #expect(result.output.contains("stalled, the desired state is invalid (1 errors; first: configs/bad.yaml:1:15"))
        }
    }

    @Test func aRefusedPlanIsRecordedOnceHoweverManyPassesStall() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let pass = ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url]
            #expect(expctl(arguments: pass).status == 0)
            let file = "configs/experiments/planner_policy_exp.yaml"
            try repository.write(file, try repository.read(file).replacingOccurrences(of: "status: running", with: "status: draft"))
            try repository.commitAll("back to draft")
            for _ in 0..<3 {
                let stalled = expctl(arguments: pass)
                #expect(stalled.status == 1)
                #expect(stalled.output.contains("stalled, 1 change(s) git must fix first"), "\(stalled.output)")
            }
            let runs = try database.connect().execute("SELECT outcome, error FROM exp.reconcile_runs ORDER BY id")
            #expect(runs.rows.indices.map { runs.string($0, "outcome") } == ["applied", "refused"])
            #expect(runs.string(1, "error") == "1 problem git must fix; first: configs/experiments/planner_policy_exp.yaml:5:11: experiment planner_policy_exp cannot move from running to draft")
        }
    }
}

@Suite("expctl reconcile --wait")
struct ReconcileWaitTests {
    @Test func waitsForTheLockThenApplies() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let other = try database.connect()
            try other.execute("SELECT pg_advisory_lock($1)", [.integer(0x6578_7063_746C_7263)])
            let waiting = try ExpctlProcess([
                "reconcile", "--once", "--wait", "--repo", repository.path, "--path", "configs", "--database-url", database.url,
            ])
            let deadline = Date().addingTimeInterval(30)
            while !waiting.output.contains("waiting for the lock"), Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
            #expect(waiting.output.contains("reconcile: waiting for the lock, held by pid "))
            try other.execute("SELECT pg_advisory_unlock_all()")
            #expect(waiting.finish(within: 30) == 0, "\(waiting.output)")
            #expect(waiting.output.contains("applied 6 to add"))
        }
    }
}
