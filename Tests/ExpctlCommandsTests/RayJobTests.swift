import ExpctlCommands
import ExpctlHTTP
import ExpctlMLflow
import ExpctlModel
import ExpctlPostgres
import Foundation
import PostgresTestSupport
import Testing

/// The Ray head scripts/test starts (EXPCTL_TEST_RAY_ADDRESS, token in EXPCTL_TEST_RAY_TOKEN).
private func testRay() throws -> (address: String, token: String) {
    let environment = ProcessInfo.processInfo.environment
    guard let address = environment["EXPCTL_TEST_RAY_ADDRESS"], !address.isEmpty,
        let token = environment["EXPCTL_TEST_RAY_TOKEN"], !token.isEmpty
    else {
        throw FixtureError(
            message: "EXPCTL_TEST_RAY_ADDRESS is not set: run the tests with scripts/test, which starts a Ray head")
    }
    return (address, token)
}

/// Ray's own view of its jobs, for what expctl must not do (submit twice) and what it must (stop).
private struct RayAPI {
    let address: String
    let token: String

    func get(_ path: String) throws -> JSONValue? {
        let response = try CurlTransport(credentials: .bearer(token)).send(.get(address + path))
        return response.isSuccess ? JSONValue(parsing: response.text) : nil
    }

    /// The submissions whose metadata names `job`.
    func submissions(ofJob job: String) throws -> [[String: JSONValue]] {
        guard case .array(let jobs)? = try get("/api/jobs/") else { return [] }
        return jobs.compactMap { value in
            guard case .object(let fields) = value, case .object(let metadata)? = fields["metadata"],
                metadata["expctl_job"] == .string(job)
            else { return nil }
            return fields
        }
    }

    func status(_ submission: String) throws -> String? {
        guard case .object(let fields)? = try get("/api/jobs/\(submission)"),
            case .string(let status)? = fields["status"]
        else { return nil }
        return status
    }
}

/// A repository whose training runs the team's trainer committed at `training/train.py` on Ray,
/// with its code (`training/`) packed from the commit.
private struct RayTrainingSetup {
    let repository: GitFixture
    let store: String
    let model = "ray_model_\(UInt32.random(in: .min ... .max))"
    let ray: (address: String, token: String)

    init(mode: String, timeout: Int = 300) throws {
        guard let python = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"], !python.isEmpty else {
            throw FixtureError(message: "EXPCTL_TEST_PYTHON is not set: run the tests with scripts/test")
        }
        ray = try testRay()
        repository = try GitFixture()
        store = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)").path
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        try repository.write(
            "training/train.py",
            try String(contentsOf: folder.appendingPathComponent("team_trainer.py"), encoding: .utf8))
        try repository.write("training/README.md", "How the planner is trained.\n")
        try repository.write("notes.md", "Not code.\n")
        let predictor = folder.appendingPathComponent("team_predictor.py").path
        try repository.write(
            "configs/tree.yaml",
            """
            datasets:
              - { name: planner/2025-01-22, task: planner, since: 2025-01-01T00:00:00Z, until: 2025-01-22T00:00:00Z,
                  validation_share: 0.25, seed: 9 }
            training:
              - name: planner-ray
                task: planner
                policy: planner_policy
                model_name: \(model)
                base_model: llama-3-8b
                dataset_version: planner/2025-01-22
                learning_rate: 0.05
                epochs: 2
                batch_size: 32
                runner: command
                command: [\(python), training/train.py, \(mode), "{output_dir}"]
                code: [training]
                resources: { cpus: 1, memory: 200Mi }
                timeout: \(timeout)
                evaluation:
                  command: [\(python), \(predictor), "{rows_file}", "{predictions_file}", "{model_dir}"]
            policies:
              - name: planner_policy
                versions:
                  - { version: 1, mlflow_model_name: \(model), training: planner-ray }
            """)
        _ = try repository.commitAll("Train on Ray")
    }

    func arguments(_ database: TestDatabase) throws -> [String] {
        [
            "--repo", repository.path, "--path", "configs", "--database-url", database.url, "--dataset-root", store,
            "--mlflow-url", try testMLflowURI(), "--ray-address", ray.address,
        ]
    }

    var environment: [String: String] { testEnvironment.merging(["EXPCTL_RAY_TOKEN": ray.token]) { $1 } }

    var api: RayAPI { RayAPI(address: ray.address, token: ray.token) }

    /// Stops every Ray job of this database's jobs still pending or running, so that no test
    /// leaves the cluster's CPUs taken.
    func stopSubmissions(_ database: TestDatabase) {
        guard let ids = try? database.connect().execute("SELECT id::text FROM exp.jobs") else { return }
        for row in ids.rows.indices {
            guard let id = ids.string(row, "id"), let submissions = try? api.submissions(ofJob: id) else { continue }
            for case .string(let submission)? in submissions.map({ $0["submission_id"] }) {
                _ = try? CurlTransport(credentials: .bearer(ray.token)).send(
                    .post(ray.address + "/api/jobs/\(submission)/stop", body: nil))
            }
        }
    }

    func simulate(_ database: TestDatabase) {
        #expect(
            expctl(arguments: [
                "simulate", "--households", "120", "--days", "21", "--seed", "11", "--database-url", database.url,
            ]).status == 0)
    }

    /// The training job (the one of `id`, else the first).
    func trainingJob(
        _ database: TestDatabase, id: String? = nil
    ) throws -> (id: String, state: String, error: String?, execution: String?) {
        let row = try database.connect().execute(
            """
            SELECT id::text, state, error, execution::text AS execution FROM exp.jobs
            WHERE kind = 'training' AND ($1::uuid IS NULL OR id = $1::uuid) ORDER BY created_at LIMIT 1
            """, [id.map { .text($0) } ?? .null])
        guard !row.rows.isEmpty else { return ("", "", nil, nil) }
        return (
            row.string(0, "id") ?? "", row.string(0, "state") ?? "", row.string(0, "error"), row.string(0, "execution")
        )
    }
}

@Suite("Command trainings on a Ray cluster", .serialized)
struct RayJobTests {
    @Test func aTrainingPackagedFromTheCommitRunsOnRayIsRegisteredAndEvaluated() throws {
        let setup = try RayTrainingSetup(mode: "complete")
        try TestDatabase.with { database in
            defer { setup.stopSubmissions(database) }
            setup.simulate(database)
            let apply = expctl(
                arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)), environment: setup.environment
            )
            #expect(apply.status == 0, "\(apply.output)\(apply.errors)")
            #expect(apply.output.contains("Jobs: 3 succeeded, 0 failed or stopped."), "\(apply.output)")
            let job = try setup.trainingJob(database)
            let execution = try #require(job.execution.flatMap { JSONValue(parsing: $0) })
            guard case .object(let recorded) = execution, case .string(let submission)? = recorded["submission_id"]
            else {
                Issue.record("execution \(execution)")
                return
            }
            #expect(recorded["executor"] == .string("ray"))
            #expect(submission == "expctl-\(job.id)-1")
            // One submission, succeeded.
            let submissions = try setup.api.submissions(ofJob: job.id)
            #expect(submissions.count == 1)
            #expect(submissions.first?["status"] == .string("SUCCEEDED"))
            // Its working directory was the package of training/ at the commit, and nothing else.
            let mlflow = try testMLflowClient()
            let version = try #require(try mlflow.modelVersions(setup.model, taggedWith: [:]).first)
            let runID = try #require(version.runID)
            let run = try #require(try mlflow.run(id: runID))
            #expect(run.status == .finished)
            let output = String(
                decoding: try mlflow.downloadArtifact("logs/output.txt", under: run.artifactURI), as: UTF8.self)
            #expect(output.contains("working directory: training/README.md training/train.py\n"), "\(output)")
            #expect(output.contains("trained"), "\(output)")
            // Evaluated by the team's predictor, on Ray too, with the rows and model in the store.
            #expect(try database.count("exp.offline_replay_results") == 1)
            let evaluation = try #require(
                try database.connect().execute("SELECT id::text FROM exp.jobs WHERE kind = 'evaluation'").string(
                    0, "id"))
            let scored = try setup.api.submissions(ofJob: evaluation)
            #expect(scored.map { $0["status"] } == [.string("SUCCEEDED")], "\(scored)")
            #expect(
                !FileManager.default.fileExists(
                    atPath: setup.store + "/.expctl-scratch/expctl-evaluation-\(evaluation)-1"))
        }
    }

    @Test func aFailingRayJobFailsTheJobWithItsExitCodeAndLastLines() throws {
        let setup = try RayTrainingSetup(mode: "fail")
        try TestDatabase.with { database in
            defer { setup.stopSubmissions(database) }
            setup.simulate(database)
            let apply = expctl(
                arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)), environment: setup.environment
            )
            #expect(apply.status == 1)
            let job = try setup.trainingJob(database)
            #expect(job.state == "failed")
            #expect(job.error?.contains("exited with status 3") == true, "\(job.error ?? "")")
            #expect(job.error?.contains("CUDA out of memory") == true, "\(job.error ?? "")")
            #expect(try testMLflowClient().modelVersions(setup.model, taggedWith: [:]).isEmpty)
        }
    }

    @Test func aCancelledJobStopsItsRayJobAndFailsItsRun() throws {
        let setup = try RayTrainingSetup(mode: "hang")
        try TestDatabase.with { database in
            defer { setup.stopSubmissions(database) }
            setup.simulate(database)
            let child = try ExpctlProcess(
                ["apply", "--auto-approve", "--lease-seconds", "3"] + (try setup.arguments(database)),
                environment: ["EXPCTL_RAY_TOKEN": setup.ray.token])
            let reading = readToTheEnd(child)
            defer { _ = child.finish(within: 1) }
            let submission = try waitForRunningSubmission(setup, database)
            let job = try setup.trainingJob(database)
            let cancel = expctl(arguments: ["jobs", "cancel", job.id, "--database-url", database.url])
            #expect(cancel.status == 0, "\(cancel.output)\(cancel.errors)")
            #expect(try waitForStatus(setup, submission, in: ["STOPPED"]) == "STOPPED")
            #expect(try waitForRuns(ofJob: job.id) == [.failed])
            // The apply plans the training again (git still declares it): that one is not this test's.
            kill(child.process.processIdentifier, SIGKILL)
            _ = reading.wait(timeout: .now() + 10)
            #expect(try setup.trainingJob(database, id: job.id).state == "cancelled")
        }
    }

    @Test func aReconcilerKilledWhileItsRayJobRunsReattachesAndSubmitsOnce() throws {
        let setup = try RayTrainingSetup(mode: "slow")
        try TestDatabase.with { database in
            defer { setup.stopSubmissions(database) }
            setup.simulate(database)
            let arguments = ["apply", "--auto-approve", "--lease-seconds", "3"] + (try setup.arguments(database))
            let child = try ExpctlProcess(arguments, environment: ["EXPCTL_RAY_TOKEN": setup.ray.token])
            let reading = readToTheEnd(child)
            let submission = try waitForRunningSubmission(setup, database)
            kill(child.process.processIdentifier, SIGKILL)
            _ = reading.wait(timeout: .now() + 10)
            _ = child.finish(within: 10)
            #expect(try setup.trainingJob(database).state == "running")
            Thread.sleep(forTimeInterval: 3.5)
            let again = expctl(arguments: arguments, environment: setup.environment)
            #expect(again.status == 0, "\(again.output)\(again.errors)")
            #expect(again.output.contains("attempt 2) succeeded"), "\(again.output)")
            let job = try setup.trainingJob(database)
            let submissions = try setup.api.submissions(ofJob: job.id)
            #expect(submissions.count == 1, "\(submissions)")
            #expect(submissions.first?["submission_id"] == .string(submission))
            #expect(try testMLflowClient().modelVersions(setup.model, taggedWith: [:]).count == 1)
        }
    }

    @Test func aRunnerStoppedBySigtermLeavesItsRayJobRunningForTheNext() throws {
        let setup = try RayTrainingSetup(mode: "slow")
        try TestDatabase.with { database in
            defer { setup.stopSubmissions(database) }
            setup.simulate(database)
            let loop = try ExpctlProcess(
                ["reconcile", "--interval", "1h"] + (try setup.arguments(database)),
                environment: ["EXPCTL_RAY_TOKEN": setup.ray.token])
            let reading = readToTheEnd(loop)
            let submission = try waitForRunningSubmission(setup, database)
            kill(loop.process.processIdentifier, SIGTERM)
            _ = reading.wait(timeout: .now() + 30)
            #expect(loop.finish(within: 30) == 0, "\(loop.transcript)")
            // Given back to the ledger, its Ray job still running: not stopped, not submitted again.
            #expect(try setup.trainingJob(database).state == "pending", "\(loop.transcript)")
            #expect(try setup.api.status(submission) == "RUNNING")
            let again = expctl(
                arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)), environment: setup.environment)
            #expect(again.status == 0, "\(again.output)\(again.errors)")
            let job = try setup.trainingJob(database)
            #expect(job.state == "succeeded")
            #expect(try setup.api.submissions(ofJob: job.id).count == 1)
            #expect(try testMLflowClient().modelVersions(setup.model, taggedWith: [:]).count == 1)
        }
    }

    @Test func rayOptionsThatDoNotHoldTogetherAreUsageErrors() throws {
        let repository = try exampleRepository()
        let common = [
            "apply", "--repo", repository.path, "--path", "configs", "--database-url", "postgresql://127.0.0.1:9/x",
        ]
        let open = expctl(
            arguments: common + ["--ray-address", "http://127.0.0.1:9", "--mlflow-url", "http://127.0.0.1:9"],
            environment: testEnvironment.merging(["MLFLOW_TRACKING_TOKEN": "secret"]) { $1 })
        #expect(open.status == 64)
        #expect(
            open.errors.contains(
                "MLflow credentials would be passed to the Ray cluster at http://127.0.0.1:9 without a token"),
            "\(open.errors)")
        #expect(!open.errors.contains("secret"))
        let scheme = expctl(arguments: common + ["--ray-address", "ray://head:10001"])
        #expect(scheme.status == 64)
        #expect(scheme.errors.contains("expected the dashboard's http:// or https:// address"), "\(scheme.errors)")
        let alone = expctl(arguments: common + ["--ray-dataset-root", "/mnt/datasets"])
        #expect(alone.status == 64)
        #expect(alone.errors.contains("need --ray-address"), "\(alone.errors)")
    }

    /// Reads the child's output on a thread of its own, so that it never blocks on a full pipe;
    /// signalled at the output's end (then `finish` may read what is left).
    private func readToTheEnd(_ child: ExpctlProcess) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let child = child
        Thread.detachNewThread {
            _ = child.waitForLine { _ in false }
            done.signal()
        }
        return done
    }

    /// The Ray submission of the run's training once Ray says it runs.
    private func waitForRunningSubmission(_ setup: RayTrainingSetup, _ database: TestDatabase) throws -> String {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let job = try setup.trainingJob(database)
            if !job.id.isEmpty, let found = try setup.api.submissions(ofJob: job.id).first,
                found["status"] == .string("RUNNING"), case .string(let id)? = found["submission_id"]
            {
                return id
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        throw FixtureError(message: "no Ray job of the training ran within 120 s")
    }

    private func waitForStatus(_ setup: RayTrainingSetup, _ submission: String, in statuses: Set<String>) throws
        -> String?
    {
        let deadline = Date().addingTimeInterval(30)
        var status: String?
        while Date() < deadline {
            status = try setup.api.status(submission)
            if let status, statuses.contains(status) { return status }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return status
    }

    /// The statuses of the job's MLflow runs once none is running (at most 30 s).
    private func waitForRuns(ofJob job: String) throws -> [MLflowRunStatus] {
        let mlflow = try testMLflowClient()
        let deadline = Date().addingTimeInterval(30)
        var statuses: [MLflowRunStatus] = []
        while Date() < deadline {
            if let experiment = try mlflow.experiment(named: "planner_training") {
                statuses = try mlflow.runs(experimentID: experiment.id, taggedWith: ["expctl.job": job]).map(\.status)
                if !statuses.isEmpty, !statuses.contains(.running) { return statuses }
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        return statuses
    }
}
