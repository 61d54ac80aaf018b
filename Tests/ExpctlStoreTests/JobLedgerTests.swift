import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

/// A plan's create action for a training job named `name` with inputs `inputs`.
private func jobCreate(_ name: String, inputs: [String: JSONValue] = ["learning_rate": .double(0.0001)]) -> PlannedAction {
    PlannedAction(
        kind: .create, address: .job(kind: .training, name: name),
        changes: [
            FieldChange(field: "inputs_digest", before: nil, after: .string(ContentHash.hex(JSONValue.object(inputs).canonicalText))),
            FieldChange(field: "inputs", before: nil, after: .object(inputs)),
            FieldChange(field: "state", before: nil, after: .string("pending")),
        ],
        reason: "not in the job ledger", source: SourceLocation(path: "training/\(name).yaml", line: 2, column: 5))
}

private func ledgerWith(_ store: ExpStore, _ actions: [PlannedAction]) throws {
    let run = try store.beginRun(Plan(commit: "c1", actions: actions), ref: nil)
    try store.applyLedgerActions(actions, commit: "c1", run: run)
}

@Suite("The job ledger")
struct JobLedgerTests {
    @Test func aPlannedJobIsRecordedOncePendingWithItsRun() throws {
        try withStore { store, database in
            try ledgerWith(store, [jobCreate("t1")])
            // The same inputs again: no second job.
            try ledgerWith(store, [jobCreate("t1")])
            let ledger = try store.jobs.read()
            #expect(ledger.jobs.count == 1)
            let job = try #require(ledger.jobs.first)
            #expect(job.state == .pending)
            #expect(job.attempts == 0)
            #expect(job.provenance == Provenance(commit: "c1", path: "training/t1.yaml"))
            #expect(job.inputs == ["learning_rate": .double(0.0001)])
            let runs = try database.connect().execute("SELECT completed_actions::text AS done FROM exp.reconcile_runs ORDER BY id")
            #expect(runs.rows.indices.map { runs.string($0, "done") } == [#"["create job.training/t1"]"#, #"["create job.training/t1"]"#])
        }
    }

    @Test func runnersClaimWithALeaseAndOnlyTheOwnerFinishes() throws {
        try withStore { store, database in
            try ledgerWith(store, [jobCreate("t1"), jobCreate("t2")])
            let other = ExpStore(connection: try database.connect())
            let first = try #require(try store.jobs.claim(owner: "runner-a", leaseSeconds: 60))
            let second = try #require(try other.jobs.claim(owner: "runner-b", leaseSeconds: 60))
            #expect(first.key.name == "t1")
            #expect(second.key.name == "t2")
            #expect(first.attempt == 1)
            #expect(try store.jobs.claim(owner: "runner-c", leaseSeconds: 60) == nil)
            #expect(try store.jobs.heartbeat(first.id, owner: "runner-a", leaseSeconds: 60))
            #expect(try !store.jobs.heartbeat(first.id, owner: "runner-b", leaseSeconds: 60))
            #expect(try !store.jobs.succeed(first.id, owner: "runner-b", result: ["model_version": .string("3")]))
            #expect(try store.jobs.succeed(first.id, owner: "runner-a", result: ["model_name": .string("m"), "model_version": .string("3")]))
            #expect(try other.jobs.fail(second.id, owner: "runner-b", error: "exit status 1"))
            let ledger = try store.jobs.read()
            #expect(ledger.job(id: first.id)?.registeredModelVersion == "3")
            #expect(ledger.job(id: second.id)?.state == .failed)
            #expect(ledger.job(id: second.id)?.error == "exit status 1")
            // Final states stay final.
            #expect(try !store.jobs.fail(first.id, owner: "runner-a", error: "late"))
        }
    }

    @Test func aJobWhoseLeaseExpiredIsReclaimed() throws {
        try withStore { store, _ in
            try ledgerWith(store, [jobCreate("t1")])
            let claimed = try #require(try store.jobs.claim(owner: "dead-runner", leaseSeconds: 0.001))
            try store.connection.execute("SELECT pg_sleep(0.01)")
            let reclaimed = try #require(try store.jobs.claim(owner: "runner-b", leaseSeconds: 60))
            #expect(reclaimed.id == claimed.id)
            #expect(reclaimed.attempt == 2)
            #expect(try !store.jobs.succeed(claimed.id, owner: "dead-runner", result: ["model_version": .string("1")]))
        }
    }

    @Test func aPlanCancelsSupersededJobsButNotTheOneItKeeps() throws {
        try withStore { store, _ in
            let old = jobCreate("t1")
            let new = jobCreate("t1", inputs: ["learning_rate": .double(0.0003)])
            try ledgerWith(store, [old])
            _ = try store.jobs.claim(owner: "runner-a", leaseSeconds: 60)
            let cancel = PlannedAction(
                kind: .retire, address: .job(kind: .training, name: "t1"),
                changes: [
                    FieldChange(field: "state", before: .string("running"), after: .string("cancelled")),
                    FieldChange(field: "superseded_by", before: nil, after: new.after("inputs_digest")),
                ],
                reason: "superseded")
            try ledgerWith(store, [new, cancel])
            let ledger = try store.jobs.read()
            #expect(ledger.jobs.map(\.state) == [.cancelled, .pending])
            #expect(ledger.jobs[0].error == "cancelled by a plan of c1: superseded")
            // The runner that held it finds it no longer its own.
            #expect(try !store.jobs.heartbeat(ledger.jobs[0].id, owner: "runner-a", leaseSeconds: 60))
            // The old inputs asked for again get a new job: the cancelled one is history.
            try ledgerWith(store, [old])
            #expect(try store.jobs.read().jobs.map(\.state) == [.cancelled, .pending, .pending])
        }
    }

    @Test func aLedgerRowExpctlDoesNotUnderstandIsAnError() throws {
        try withStore { store, _ in
            try ledgerWith(store, [jobCreate("t1")])
            // The database refuses a succeeded training without a version number...
            let claim = try #require(try store.jobs.claim(owner: "runner", leaseSeconds: 60))
            let refused = try #require(throws: PostgresError.self) {
                try store.jobs.succeed(claim.id, owner: "runner", result: ["model_version": .string("01")])
            }
            #expect(refused.sqlState == "23514")
            // ...and the reader refuses one written where that constraint was dropped.
            let name = try store.connection.execute("""
                SELECT conname FROM pg_constraint
                WHERE conrelid = 'exp.jobs'::regclass AND pg_get_constraintdef(oid) LIKE '%model_version%'
                """).string(0, "conname") ?? ""
            try store.connection.execute("ALTER TABLE exp.jobs DROP CONSTRAINT \(name)")
            try store.connection.execute("""
                UPDATE exp.jobs SET state = 'succeeded', result = '{"model_version": "01"}', finished_at = now(),
                       lease_owner = NULL, lease_expires_at = NULL
                """)
            let error = try #require(throws: StoreError.self) { try store.jobs.read() }
            guard case .corruptRow(let table, let detail) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(table == "exp.jobs")
            #expect(detail.hasSuffix("a succeeded training must record model_version as a version number"))
        }
    }

    @Test func theLedgersStatesAreEnforcedByTheDatabase() throws {
        try withStore { store, _ in
            try ledgerWith(store, [jobCreate("t1")])
            for statement in [
                "UPDATE exp.jobs SET state = 'running'",  // no lease
                "UPDATE exp.jobs SET state = 'succeeded', finished_at = now()",  // no result
                "UPDATE exp.jobs SET state = 'failed', finished_at = now()",  // no error
                "UPDATE exp.jobs SET state = 'lost'",
            ] {
                let error = try #require(throws: PostgresError.self, "\(statement)") { try store.connection.execute(statement) }
                #expect(error.sqlState == "23514", "\(statement): \(error)")
            }
        }
    }
}
