import ExpctlModel
import ExpctlPlan
import ExpctlReconciler
import ExpctlStore
import PlanningTestSupport
import PostgresTestSupport
import Testing

@Suite("A reconcile pass and its outcomes")
struct PassTests {
    @Test func aPassAppliesWhatIsReadyThenWaitsOnTheJobThenConverges() throws {
        try withStore { store, _ in
            let hook = RecordingHook()
            let reconciler = Reconciler(source: FixedSource(desired()), store: store, registry: store.ledgerRegistry, hook: hook)
            guard case .applied(let revision, let report, let remaining) = reconciler.pass() else {
                Issue.record("the first pass did not apply")
                return
            }
            #expect(revision.description == "3f2a9c1 (main)")
            #expect(report.ledgerActions == 1)
            #expect(report.databaseActions == 4)
            #expect(remaining.waiting.count == 2)
            guard case .job(let job)? = remaining.dependencies.first else {
                Issue.record("nothing to wait on")
                return
            }
            #expect(job.job.name == "planner-2025-01-10")
            #expect(job.evidence.state == "planned")
            #expect(hook.events.prefix(6) == [
                "pass", "start read_source", "start validate", "start observe", "start plan", "start apply_job_ledger",
            ])
            #expect(hook.events.last == "finished applied")

            guard case .waiting(_, let waiting) = reconciler.pass() else {
                Issue.record("the second pass does not wait")
                return
            }
            if case .job(let pending)? = waiting.dependencies.first { #expect(pending.evidence.state == "pending") }
            try store.finishJobs()
            // The trained version's offline replay is a job of its own; the version waits on its gate.
            guard case .applied(_, let evaluation, let gated) = reconciler.pass() else {
                Issue.record("the evaluation job was not added")
                return
            }
            #expect(evaluation.ledgerActions == 1)
            #expect(gated.dependencies.contains { if case .gate(let gate) = $0 { gate.kind == .offline } else { false } })
            try store.finishJobs()
            guard case .applied(_, let second, let rest) = reconciler.pass() else {
                Issue.record("the job's version was not applied")
                return
            }
            #expect(second.created == 2)
            #expect(rest.isEmpty)
            // The new variant's online gate waits for units: the next pass records that, once.
            guard case .applied(_, let recorded, _) = reconciler.pass() else {
                Issue.record("the online gate's first verdict was not recorded")
                return
            }
            #expect(recorded.created == 0)
            #expect(try store.connection.execute("SELECT count(*) AS n FROM exp.gate_decisions WHERE gate = 'online'")
                .int(0, "n") == 1)
            guard case .converged = reconciler.pass() else {
                Issue.record("not converged")
                return
            }
        }
    }

    @Test func anInvalidTreeOrAPlanWithProblemsStallsAndTheRefusalIsRecordedOnce() throws {
        try withStore { store, database in
            let source = FixedSource(desired())
            let reconciler = Reconciler(source: source, store: store, registry: .skipped)
            source.diagnostics = [Diagnostic(at: SourceLocation(path: "bad.yaml", line: 1, column: 15), message: "not a mapping")]
            guard case .stalled(_, .invalidDesiredState(let diagnostics)) = reconciler.pass() else {
                Issue.record("an invalid tree did not stall")
                return
            }
            #expect(diagnostics.map(\.message) == ["not a mapping"])
            source.diagnostics = []
            try store.convergeAll(desired())
            source.state = desired(exampleTree.replacingOccurrences(of: "status: running", with: "status: draft"))
            for _ in 0..<3 {
                guard case .stalled(_, .planProblems(let problems)) = reconciler.pass() else {
                    Issue.record("a plan with problems did not stall")
                    return
                }
                #expect(problems.map(\.message) == ["experiment planner_policy_exp cannot move from running to draft"])
            }
            let refused = try database.connect().execute("SELECT count(*) AS n FROM exp.reconcile_runs WHERE outcome = 'refused'")
            #expect(refused.int(0, "n") == 1)
        }
    }

    @Test func aStatementTheDatabaseRefusesStallsInsteadOfRetrying() throws {
        try withStore { store, _ in
            try store.connection.execute("""
                CREATE FUNCTION exp.refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'experiments are frozen' USING ERRCODE = '23514'; END $$
                """)
            try store.connection.execute("CREATE TRIGGER frozen BEFORE INSERT ON exp.experiments FOR EACH ROW EXECUTE FUNCTION exp.refuse()")
            let reconciler = Reconciler(source: FixedSource(desired()), store: store, registry: .skipped)
            guard case .stalled(_, .applyRefused(let error)) = reconciler.pass() else {
                Issue.record("a refused statement did not stall")
                return
            }
            #expect(error.sqlState == "23514")
            #expect(error.needsAChange)
            // A plan gone stale is retried, not stalled.
            #expect(!ApplyError.stale([.database], phase: .beforeStart).needsAChange)
        }
    }

    @Test func anUnreachableRegistryIsATransientFailureWithItsCause() throws {
        try withStore { store, _ in
            let failing = FailingRegistry()
            let reconciler = Reconciler(source: FixedSource(desired()), store: store, registry: .available { _ in failing })
            guard case .transient(.registry(let cause)) = reconciler.pass() else {
                Issue.record("not a transient registry failure")
                return
            }
            #expect(cause is ServerDown)
            let policies = try store.actualState().policies
            #expect(policies.isEmpty)
        }
    }
}

/// A registry whose server does not answer.
private final class FailingRegistry: RegistryPort {
    func currentState() throws -> RegistryState { throw ServerDown() }
    func apply(_ actions: [PlannedAction], commit: String, completed: ([String]) throws -> Void) throws { throw ServerDown() }
}
