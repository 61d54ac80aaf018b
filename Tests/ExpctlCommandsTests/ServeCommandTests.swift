import ExpctlCommands
import Foundation
import PostgresTestSupport
import Testing

@Suite("expctl serve as a process")
struct ServeCommandTests {
    /// One policy on a model version and one running experiment.
    static func writeTree(_ repository: GitFixture) throws {
        try repository.write(
            "configs/policies/planner.yaml",
            """
            policies:
              - name: planner_policy
                versions:
                  - version: 1
                    mlflow_model_name: serve_test_model
                    mlflow_model_version: 1

            """)
        try repository.write(
            "configs/experiments/planner.yaml",
            """
            experiments:
              - name: planner_exp
                unit_type: user
                status: running
                baseline: control
                variants:
                  - name: control
                    allocation: 1.0
                    policy_version: planner_policy@1

            """)
    }

    @Test func sigtermMidPassFinishesThePassAndExitsZero() throws {
        try TestDatabase.with { database in
            let repository = try GitFixture()
            try Self.writeTree(repository)
            try repository.commitAll("an experiment")
            // Every MLflow request takes 1.5 s: the first pass is under way while it waits.
            let proxy = try FlakyMLflowProxy(failFirst: 0, delay: 1.5)
            let serve = try ExpctlProcess([
                "serve", "--repo", repository.path, "--ref", "main", "--path", "configs", "--database-url", database.url,
                "--mlflow-url", proxy.url, "--listen", "127.0.0.1:0", "--skip-jobs", "--interval", "1h",
            ])
            let listening = serve.waitForLine { $0.contains("listening on http://127.0.0.1:") }
            #expect(listening != nil, "\(serve.transcript)")
            let deadline = Date().addingTimeInterval(20)
            while !proxy.log.contains(where: { $0.hasPrefix("received") }) && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.02)
            }
            #expect(proxy.log.contains { $0.hasPrefix("received") }, "no request reached MLflow: \(serve.transcript)")
            kill(serve.process.processIdentifier, SIGTERM)
            let status = serve.finish(within: 60)
            #expect(status == 0, "\(serve.transcript)")
            // The pass under way finished (one pass line, after the signal), and no other began.
            let passes = serve.transcript.split(separator: "\n").filter { $0.contains(#""event":"pass""#) }
            #expect(passes.count == 1, "\(serve.transcript)")
            #expect(try database.count("exp.reconcile_runs") ?? 0 <= 1)
        }
    }
}
