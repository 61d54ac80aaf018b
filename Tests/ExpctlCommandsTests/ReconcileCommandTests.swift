import ExpctlCommands
import ExpctlPostgres
import Foundation
import PostgresTestSupport
import Testing

/// The expctl executable built beside the test bundle (`swift build --build-tests` builds both).
private let expctlBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("expctl").path

/// Starts expctl as a child process with an environment of its own (no settings of the test
/// process's): its standard output is read line by line as it comes, its standard error goes
/// to a file read after it exits.
final class ExpctlProcess {
    let process = Process()
    private let output = Pipe()
    private let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-\(UUID().uuidString).err")
    private let exited = DispatchSemaphore(value: 0)
    /// Bytes read from standard output and not yet returned as lines.
    private var pending = Data()
    private(set) var lines: [String] = []

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: expctlBinary)
        process.arguments = arguments
        process.environment = testEnvironment.merging(
            ["PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path]) { $1 }
            .merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorURL)
        process.terminationHandler = { [exited] _ in exited.signal() }
        try process.run()
    }

    deinit { try? FileManager.default.removeItem(at: errorURL) }

    /// The next line of standard output, blocking until it comes; nil at its end.
    func nextLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending = Data(pending[pending.index(after: newline)...])
                lines.append(line)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            pending += chunk
        }
    }

    /// Reads lines until one satisfies `match`; nil if output ends first.
    func waitForLine(_ match: (String) -> Bool) -> String? {
        while let line = nextLine() {
            if match(line) { return line }
        }
        return nil
    }

    /// Everything it printed: the lines read, the rest of standard output, standard error.
    var transcript: String {
        lines.joined(separator: "\n") + "\n" + String(decoding: pending, as: UTF8.self)
            + ((try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
    }

    /// Waits for the process, at most `seconds`; its exit status, nil on time-out (then killed).
    func finish(within seconds: Double) -> Int32? {
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            // Killed, not asked: a test that timed out must not leave a reconciler running.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        while nextLine() != nil {}
        return process.terminationStatus
    }
}

/// A JSON line's fields.
private func event(_ line: String) -> [String: Any]? {
    try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
}

@Suite("expctl reconcile")
struct ReconcileCommandTests {
    private func pass(_ repository: GitFixture, _ database: TestDatabase) -> [String] {
        ["reconcile", "--once", "--repo", repository.path, "--path", "configs", "--database-url", database.url, "--skip-registry"]
    }

    @Test func onceAppliesWhatIsReadyThenWaitsOnTheJob() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let first = expctl(arguments: pass(repository, database))
            #expect(first.status == 0, "\(first.errors)")
            #expect(first.output.contains(
                "(main): applied 5 to add, 0 to change, 0 to retire; 2 waiting on jobs or gates (waits on job training planner-2025-01-10: planned"),
                "\(first.output)")
            let second = expctl(arguments: pass(repository, database))
            #expect(second.status == 0)
            #expect(second.output.contains("(main): nothing ready to apply; 2 waiting on jobs or gates (waits on job training planner-2025-01-10: pending"),
                "\(second.output)")
            // Registered, the version waits on its offline gate, whose baseline is the production
            // version: without the registry, nobody knows it, and nothing is evaluated or written.
            _ = try finishTrainingJob(database, version: "2")
            let gated = expctl(arguments: pass(repository, database))
            #expect(gated.output.contains(
                "(main): nothing ready to apply; 2 waiting on jobs or gates (waits on offline gate for planner_model/2: waiting; "
                    + "needs the offline gate to pass; waiting: the registry was not read"), "\(gated.output)")
            #expect(try database.count("exp.policy_versions") == 1)
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
            let blocked = expctl(arguments: pass(repository, database))
            #expect(blocked.status == 1)
            #expect(blocked.errors.contains("another reconciler is running: the lock is held by pid \(otherPID) (expctl) from 127.0.0.1, since "))
            #expect(try database.connect().execute("SELECT to_regclass('exp.experiments') IS NULL AS untouched").bool(0, "untouched") == true)
            try other.execute("SELECT pg_advisory_unlock_all()")
            #expect(expctl(arguments: pass(repository, database)).status == 0)
        }
    }

    /// The first reconciler is held inside its pass (the table it reads is locked) while the
    /// second starts: they overlap for certain, and only one applies.
    @Test func twoReconcilersAtOnceApplyExactlyOnce() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            #expect(expctl(arguments: ["migrate", "--database-url", database.url]).status == 0)
            let blocker = try database.connect()
            try blocker.execute("BEGIN")
            try blocker.execute("LOCK TABLE exp.experiments IN ACCESS EXCLUSIVE MODE")
            let first = try ExpctlProcess(pass(repository, database) + ["--log-format", "json"])
            // It holds the reconciler lock from before its pass; the pass then waits on the table.
            let observing = first.waitForLine { event($0)?["step"] as? String == "observe" }
            try #require(observing != nil, "the first reconciler never got to its pass: \(first.transcript)")
            let second = try ExpctlProcess(pass(repository, database))
            #expect(second.finish(within: 60) == 1)
            #expect(second.transcript.contains("another reconciler is running: the lock is held by pid"), "\(second.transcript)")
            try blocker.execute("COMMIT")
            #expect(first.finish(within: 60) == 0, "\(first.transcript)")
            #expect(try database.connect().execute("SELECT count(*) AS n FROM exp.reconcile_runs WHERE outcome = 'applied'").int(0, "n") == 1)
            #expect(try database.count("exp.experiments") == 1)
        }
    }

    @Test func sigtermFinishesThePassAndExitsZero() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            let loop = try ExpctlProcess([
                "reconcile", "--interval", "1h", "--log-format", "json", "--repo", repository.path, "--path", "configs",
                "--database-url", database.url, "--skip-registry",
            ])
            let finished = loop.waitForLine { event($0)?["event"] as? String == "pass_finished" }
            let fields = try #require(finished.flatMap(event), "\(loop.transcript)")
            #expect(fields["outcome"] as? String == "applied")
            #expect((fields["waiting"] as? [String])?.count == 2)
            #expect(((fields["waits_on"] as? [[String: Any]])?.first?["name"]) as? String == "planner-2025-01-10")
            // The loop now waits an hour: SIGTERM ends the wait at once.
            kill(loop.process.processIdentifier, SIGTERM)
            #expect(loop.finish(within: 20) == 0, "\(loop.transcript)")
            #expect(loop.lines.last.flatMap(event)?["message"] as? String == "reconcile: stopped")
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
            let result = expctl(arguments: pass(repository, database))
            #expect(result.status == 1)
            #expect(result.output.contains("stalled, the desired state is invalid (1 errors; first: configs/bad.yaml:1:15"))
        }
    }

    @Test func aRefusedPlanIsRecordedOnceHoweverManyPassesStall() throws {
        let repository = try exampleRepository()
        try TestDatabase.with { (database: TestDatabase) throws in
            #expect(expctl(arguments: pass(repository, database)).status == 0)
            let file = ExampleTree.experimentFile
            try repository.write(file, try repository.read(file).replacingOccurrences(of: "status: running", with: "status: draft"))
            try repository.commitAll("back to draft")
            for _ in 0..<3 {
                let stalled = expctl(arguments: pass(repository, database))
                #expect(stalled.status == 1)
                #expect(stalled.output.contains("stalled, 1 change(s) git must fix first"), "\(stalled.output)")
            }
            let runs = try database.connect().execute("SELECT outcome, error FROM exp.reconcile_runs ORDER BY id")
            #expect(runs.rows.indices.map { runs.string($0, "outcome") } == ["applied", "refused"])
            #expect(runs.string(1, "error") == "1 problem git must fix; first: configs/experiments/planner_policy_exp.yaml:3:11: experiment planner_policy_exp cannot move from running to draft")
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
                "reconcile", "--once", "--wait", "--repo", repository.path, "--path", "configs", "--database-url", database.url, "--skip-registry",
            ])
            let line = waiting.waitForLine { $0.contains("waiting for the lock") }
            #expect(line?.hasPrefix("reconcile: waiting for the lock, held by pid ") == true, "\(waiting.transcript)")
            try other.execute("SELECT pg_advisory_unlock_all()")
            #expect(waiting.finish(within: 30) == 0, "\(waiting.transcript)")
            #expect(waiting.transcript.contains("applied 5 to add"))
        }
    }
}
