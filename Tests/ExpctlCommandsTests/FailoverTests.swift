import ExpctlCommands
import ExpctlHTTP
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

/// Running experiments, all of their units on `model`'s version 1, which is in production.
private func tree(model: String, experiments: [String]) -> String {
    """
    promotions:
      - { model: \(model), version: 1, stage: production }
    policies:
      - name: planner_policy
        versions:
          - { version: 1, mlflow_model_name: \(model), mlflow_model_version: 1 }
    experiments:
    \(experiments.map { """
          - name: \($0)
            unit_type: user
            status: running
            baseline: control
            variants:
              - { name: control, allocation: 1.0, policy_version: planner_policy@1 }
        """ }.joined(separator: "\n"))

    """
}

/// `expctl serve` replicas on one database, each serving HTTP on its own port.
private final class Replica {
    let process: ExpctlProcess
    let port: Int
    private let reading = DispatchSemaphore(value: 0)

    init(_ arguments: [String]) throws {
        process = try ExpctlProcess(arguments)
        guard let line = process.waitForLine({ $0.contains("listening on http://127.0.0.1:") }),
            let port = line.split(separator: ":").last.flatMap({ Int($0) })
        else { throw FixtureError(message: "the replica did not listen: \(process.transcript)") }
        self.port = port
        // Read the rest as it comes, so the replica never blocks on a full pipe.
        nonisolated(unsafe) let process = process
        Thread.detachNewThread { [reading] in
            _ = process.waitForLine { _ in false }
            reading.signal()
        }
    }

    func get(_ path: String) -> (status: Int, text: String) {
        guard let response = try? CurlTransport(totalTimeout: 5).send(.get("http://127.0.0.1:\(port)\(path)")) else {
            return (0, "")
        }
        return (response.status, response.text)
    }

    func kill() {
        Foundation.kill(process.process.processIdentifier, SIGKILL)
        _ = reading.wait(timeout: .now() + 10)
        _ = process.finish(within: 10)
    }

    /// What it printed so far (standard error once it has exited).
    var transcript: String { String(process.transcript.suffix(6000)) }

    func stop() {
        Foundation.kill(process.process.processIdentifier, SIGTERM)
        _ = reading.wait(timeout: .now() + 30)
        _ = process.finish(within: 30)
    }
}

@Suite("Two serve replicas, one leader")
struct FailoverTests {
    /// Runs that applied `commit`; 0 until the schema exists.
    private func appliedRuns(_ database: TestDatabase, commit: String) -> Int {
        let result = try? database.connect().execute(
            "SELECT count(*)::int AS n FROM exp.reconcile_runs WHERE commit_sha = $1 AND outcome = 'applied'",
            [.text(commit)])
        return result?.int(0, "n").map(Int.init) ?? 0
    }

    private func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return condition()
    }

    @Test func theStandbyServesTheAPIsAndTakesOverWhenTheLeaderIsKilledMidPass() throws {
        let model = try registerTestModel(versions: 1)
        try TestDatabase.with { database in
            let repository = try GitFixture()
            try repository.write("configs/tree.yaml", tree(model: model, experiments: ["planner_exp"]))
            let first = try repository.commitAll("one variant")
            // Every MLflow request of the leader takes 0.4 s, so that a pass is under way for a while.
            let slow = try FlakyMLflowProxy(failFirst: 0, delay: 0.4)
            func serve(_ mlflow: String) -> [String] {
                [
                    "serve", "--repo", repository.path, "--ref", "main", "--path", "configs", "--database-url",
                    database.url, "--mlflow-url", mlflow, "--listen", "127.0.0.1:0", "--skip-jobs", "--interval", "1s",
                    "--wait", "--log-format", "json",
                ]
            }
            let leader = try Replica(serve(slow.url))
            defer { leader.kill() }
            #expect(waitUntil(60) { appliedRuns(database, commit: first) == 1 })
            let standby = try Replica(serve(try testMLflowURI()))
            defer { standby.stop() }
            // The standby is ready, names the leader, and answers assignments from the applied state.
            #expect(waitUntil(30) { standby.get("/readyz").status == 200 }, "\(standby.get("/readyz"))")
            let page = standby.get("/")
            #expect(page.text.contains("leader: pid "), "\(page.text.prefix(600))")
            #expect(page.text.contains("(expctl@"), "\(page.text.prefix(600))")
            #expect(leader.get("/").text.contains("leader: this replica, since "))

            try repository.write("configs/tree.yaml", tree(model: model, experiments: ["planner_exp", "second_exp"]))
            let second = try repository.commitAll("a second experiment")
            // Killed while a pass of the new commit talks to MLflow: nothing of it is committed.
            let seen = slow.log.count
            #expect(waitUntil(30) { slow.log.count >= seen + 2 })
            leader.kill()
            let killed = Date()
            let applied = waitUntil(60) { appliedRuns(database, commit: second) == 1 }
            #expect(applied, "\(standby.transcript)")
            let takeover = Date().timeIntervalSince(killed)
            print(
                "failover: the standby applied the next commit \(String(format: "%.2f", takeover)) s after the leader was killed"
            )
            #expect(takeover < 30)
            #expect(standby.get("/").text.contains("leader: this replica, since "))
            // Each commit applied once, and the state is the second commit's.
            #expect(appliedRuns(database, commit: first) == 1)
            Thread.sleep(forTimeInterval: 2)
            #expect(appliedRuns(database, commit: second) == 1)
            let variants = try database.connect().execute("SELECT count(*)::int AS n FROM exp.variants").int(0, "n")
            let experiments = try database.connect().execute("SELECT count(*)::int AS n FROM exp.experiments").int(
                0, "n")
            #expect(
                variants == 2 && experiments == 2,
                "variants \(variants ?? -1), experiments \(experiments ?? -1): \(standby.transcript.suffix(1500))")

            // A leader whose session the server ends steps down at once; whichever replica locks
            // first leads next (the old leader may win it back), and only one does.
            let third = try Replica(serve(try testMLflowURI()))
            defer { third.stop() }
            #expect(waitUntil(30) { third.get("/").text.contains("leader: pid ") })
            func stepDowns() -> Int { standby.transcript.components(separatedBy: "\"msg\":\"standby: ").count - 1 }
            let before = stepDowns()
            try database.connect().execute(
                """
                SELECT pg_terminate_backend(l.pid) FROM pg_locks l
                WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = $1
                """, [.integer(ReconcilerLock.key)])
            #expect(waitUntil(30) { stepDowns() > before }, "\(standby.transcript)")
            let leaders = {
                [standby, third].filter { $0.get("/").text.contains("leader: this replica, since ") }.count
            }
            #expect(waitUntil(30) { leaders() == 1 }, "\(third.transcript)")
        }
    }
}
