import ExpctlCommands
import ExpctlMLflow
import Foundation
import PostgresTestSupport
import Testing

/// A tree declaring a dataset, a training of `model` with `runner`, and a policy version on it.
private func trainingTree(model: String, runner: String, learningRate: String = "0.05") -> String {
    """
    datasets:
      - { name: planner/2025-01-22, task: planner, since: 2025-01-01T00:00:00Z, until: 2025-01-22T00:00:00Z,
          validation_share: 0.25, seed: 9 }
    training:
      - name: planner-2025-01-22
        task: planner
        policy: planner_policy
        model_name: \(model)
        base_model: llama-3-8b
        dataset_version: planner/2025-01-22
        learning_rate: \(learningRate)
        epochs: 2
        batch_size: 32
        seed: 3
    \(runner)
    policies:
      - name: planner_policy
        versions:
          - { version: 1, mlflow_model_name: \(model), training: planner-2025-01-22 }
    """
}

/// `runner: command` with the test's trainer in `mode`, and its predictor.
private func commandRunner(_ mode: String, timeout: Int = 120) throws -> String {
    guard let python = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"], !python.isEmpty else {
        throw FixtureError(message: "EXPCTL_TEST_PYTHON is not set: run the tests with scripts/test")
    }
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    let trainer = folder.appendingPathComponent("team_trainer.py").path
    let predictor = folder.appendingPathComponent("team_predictor.py").path
    return """
            runner: command
            command: [\(python), \(trainer), \(mode), "{output_dir}"]
            timeout: \(timeout)
            evaluation:
              command: [\(python), \(predictor), "{rows_file}", "{predictions_file}", "{model_dir}"]
        """
}

private struct TrainingSetup {
    let repository: GitFixture
    let store: String
    let model = "trained_model_\(UInt32.random(in: .min ... .max))"

    init(runner: (String) throws -> String) throws {
        repository = try GitFixture()
        store = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)").path
        try repository.write("tree.yaml", trainingTree(model: model, runner: try runner(model)))
        _ = try repository.commitAll("Train")
    }

    func arguments(_ database: TestDatabase) throws -> [String] {
        [
            "--repo", repository.path, "--database-url", database.url, "--dataset-root", store, "--mlflow-url",
            try testMLflowURI(),
        ]
    }

    func simulate(_ database: TestDatabase) {
        #expect(
            expctl(arguments: [
                "simulate", "--households", "120", "--days", "21", "--seed", "11",
                "--database-url", database.url,
            ]).status == 0)
    }
}

@Suite("Training and evaluation jobs through expctl apply, with MLflow")
struct TrainingJobCommandTests {
    @Test func theBuiltinModelIsTrainedRegisteredEvaluatedAndItsPolicyVersionWritten() throws {
        let setup = try TrainingSetup { _ in "    runner: builtin" }
        try TestDatabase.with { database in
            setup.simulate(database)
            let apply = expctl(arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)))
            #expect(apply.status == 0, "\(apply.output)\(apply.errors)")
            #expect(apply.output.contains("Jobs: 3 succeeded, 0 failed or stopped."), "\(apply.output)")
            // Off a terminal, each long step ends with a JSON progress line at its total.
            let progress = apply.output.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }.filter { $0["type"] as? String == "progress" }
            for (step, unit) in [("dataset build", "rows"), ("training", "epochs"), ("evaluation", "rows")] {
                let last = progress.last { $0["step"] as? String == step }
                #expect(last?["unit"] as? String == unit, "\(progress)")
                #expect(last?["done"] as? Int != nil && last?["done"] as? Int == last?["total"] as? Int, "\(progress)")
            }
            let mlflow = try testMLflowClient()
            let versions = try mlflow.modelVersions(setup.model, taggedWith: [:])
            #expect(versions.count == 1)
            let version = try #require(versions.first)
            #expect(version.tags["expctl.training"] == "planner-2025-01-22")
            #expect(version.tags["expctl.dataset_digest"]?.count == 64)
            #expect(version.tags["expctl.evaluation_run"] != nil)
            let runID = try #require(version.runID)
            let run = try #require(try mlflow.run(id: runID))
            #expect(run.status == .finished)
            for key in ["learning_rate", "batch_size", "epochs", "dataset_version", "model_base", "fine_tuning_method"]
            {
                #expect(run.params[key] != nil, "param \(key)")
            }
            #expect(run.metrics["val_loss"] != nil)
            #expect(run.tags["policy_id"] == "planner_policy")
            let inputs = try mlflow.loggedInputs(runID: run.id)
            #expect(inputs.map(\.name) == ["planner/2025-01-22"])
            let metadata = try mlflow.downloadArtifact("metadata.json", under: run.artifactURI)
            #expect(String(decoding: metadata, as: UTF8.self).contains("\"num_training_samples\""))
            let row = try database.connect().execute(
                "SELECT mlflow_model_version, job_id IS NOT NULL AS linked FROM exp.policy_versions")
            #expect(row.string(0, "mlflow_model_version") == version.version)
            #expect(row.bool(0, "linked") == true)
            let replay = try database.connect().execute(
                "SELECT offline_eval_score, rows, (SELECT count(*) FROM exp.offline_replay_rows) AS per_row FROM exp.offline_replay_results"
            )
            #expect((replay.double(0, "offline_eval_score") ?? 0) > 0)
            #expect(replay.int(0, "per_row") == replay.int(0, "rows"))
            // Nothing is left to do, and a re-merge of the same tree trains nothing.
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + (try setup.arguments(database))).status == 0)
            let models = expctl(arguments: ["models", "--model", setup.model, "--mlflow-url", try testMLflowURI()])
            #expect(models.output.contains("planner-2025-01-22"), "\(models.output)")
            // The dataset is a run of its own, tagged with its version, its schema and summary attached.
            let datasets = try #require(try mlflow.experiment(named: "planner_datasets"))
            let jobID = try #require(try database.connect().execute(
                "SELECT id::text FROM exp.jobs WHERE kind = 'dataset'").string(0, "id"))
            let built = try #require(try mlflow.runs(experimentID: datasets.id, taggedWith: ["expctl.job": jobID]).first)
            #expect(built.tags["dataset_version"] == "planner/2025-01-22")
            let files = try mlflow.listArtifacts(under: built.artifactURI).map(\.path)
            #expect(Set(files).isSuperset(of: ["schema.json", "dataset_summary.md", "metadata.json"]), "\(files)")
            // The Parquet file of the simulated rows reads back in pyarrow as data.jsonl's rows.
            try expectParquetMatchesRows(setup.store + "/planner/2025-01-22")
        }
    }

    @Test func aTeamCommandThatLogsEverythingIsRegisteredAndScoredByExpctl() throws {
        let setup = try TrainingSetup { _ in try commandRunner("complete") }
        try TestDatabase.with { database in
            setup.simulate(database)
            let apply = expctl(arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)))
            #expect(apply.status == 0, "\(apply.output)\(apply.errors)")
            let versions = try testMLflowClient().modelVersions(setup.model, taggedWith: [:])
            #expect(versions.count == 1)
            let runID = try #require(versions.first?.runID)
            let run = try #require(try testMLflowClient().run(id: runID))
            let output = try testMLflowClient().downloadArtifact("logs/output.txt", under: run.artifactURI)
            #expect(String(decoding: output, as: UTF8.self).contains("trained"))
            let replay = try database.connect().execute("SELECT offline_eval_score FROM exp.offline_replay_results")
            let score = try #require(replay.double(0, "offline_eval_score"))
            #expect(score > 0 && score < 1)
        }
    }

    @Test(arguments: [
        ("no-val", "did not log metric val_loss: nothing was registered"),
        ("fail", "exited with status 3; last output: working directory: tree.yaml | trained | CUDA out of memory"),
    ])
    func aCommandThatForgetsALogOrFailsFailsItsJobAndRegistersNothing(mode: String, error: String) throws {
        let setup = try TrainingSetup { _ in try commandRunner(mode) }
        try TestDatabase.with { database in
            setup.simulate(database)
            let apply = expctl(arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)))
            #expect(apply.status == 1)
            #expect(apply.output.contains(error), "\(apply.output)")
            #expect(try testMLflowClient().modelVersions(setup.model, taggedWith: [:]).isEmpty)
            let job = try database.connect().execute("SELECT state, error FROM exp.jobs WHERE kind = 'training'")
            #expect(job.string(0, "state") == "failed")
            #expect(job.string(0, "error")?.contains(error) == true)
            #expect(try database.count("exp.policy_versions") == 0)
        }
    }

    @Test func aCommandThatDoesNotExistFailsItsJobWithAClearError() throws {
        let setup = try TrainingSetup { _ in
            try commandRunner("complete").replacingOccurrences(
                of: "command: [\(ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"] ?? "")",
                with: "command: [/nonexistent/bin/train")
        }
        try TestDatabase.with { database in
            setup.simulate(database)
            let apply = expctl(arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)))
            #expect(apply.status == 1)
            #expect(apply.output.contains("the command '/nonexistent/bin/train' was not found"), "\(apply.output)")
        }
    }

    @Test func aCommandThatHangsIsKilledAtItsTimeout() throws {
        let setup = try TrainingSetup { _ in try commandRunner("hang", timeout: 3) }
        try TestDatabase.with { database in
            setup.simulate(database)
            let started = Date()
            let apply = expctl(arguments: ["apply", "--auto-approve"] + (try setup.arguments(database)))
            #expect(apply.status == 1)
            #expect(
                apply.output.contains("timed out after 3 s and was stopped (its process group killed)"),
                "\(apply.output)")
            #expect(Date().timeIntervalSince(started) < 60)
        }
    }

    @Test func aRunnerKilledBetweenMLflowsRegistrationAndTheLedgersUpdateLeavesOneVersion() throws {
        let setup = try TrainingSetup { _ in "    runner: builtin" }
        try TestDatabase.with { database in
            setup.simulate(database)
            let common = try setup.arguments(database)
            let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("expctl-\(UUID().uuidString).pid")
            defer { try? FileManager.default.removeItem(at: pidFile) }
            // The proxy kills the runner at its first request after MLflow answered the registration.
            let proxy = try FlakyMLflowProxy(
                failFirst: 0, killAfter: ("/api/2.0/mlflow/model-versions/create", pidFile.path))
            let viaProxy = common.map { $0 == (try? testMLflowURI()) ? proxy.url : $0 }
            let child = try ExpctlProcess(["apply", "--auto-approve", "--lease-seconds", "3"] + viaProxy)
            try String(child.process.processIdentifier).write(to: pidFile, atomically: true, encoding: .utf8)
            _ = child.finish(within: 120)
            #expect(child.process.terminationReason == .uncaughtSignal, "\(child.transcript)")
            #expect(proxy.log.contains("200 POST /api/2.0/mlflow/model-versions/create"), "\(proxy.log)")
            let mlflow = try testMLflowClient()
            let registered = try mlflow.modelVersions(setup.model, taggedWith: [:])
            #expect(registered.count == 1)
            let job = try database.connect().execute("SELECT id::text, state FROM exp.jobs WHERE kind = 'training'")
            #expect(job.string(0, "state") == "running")
            Thread.sleep(forTimeInterval: 3.5)
            let again = expctl(arguments: ["apply", "--auto-approve"] + common)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("attempt 2) succeeded"), "\(again.output)")
            let all = try mlflow.modelVersions(setup.model, taggedWith: [:])
            #expect(all.map(\.version) == registered.map(\.version))
            let result = try database.connect().execute(
                "SELECT result->>'model_version' AS version FROM exp.jobs WHERE kind = 'training'")
            #expect(result.string(0, "version") == registered.first?.version)
            // The run that registered the version is ended and carries its metadata.
            let runID = try #require(all.first?.runID)
            let run = try #require(try mlflow.run(id: runID))
            #expect(run.status == .finished)
            let files = try mlflow.listArtifacts(under: run.artifactURI).map(\.path)
            #expect(files.contains("metadata.json"), "\(files)")
        }
    }

    @Test func aRunnerKilledMidTrainingIsReclaimedAfterItsLeaseAndTheJobRunsOnce() throws {
        let setup = try TrainingSetup { _ in "    runner: builtin" }
        try TestDatabase.with { database in
            setup.simulate(database)
            let common = try setup.arguments(database)
            let child = try ExpctlProcess(["apply", "--auto-approve", "--lease-seconds", "3"] + common)
            let training = child.waitForLine { $0.contains(#""step":"training""#) }
            try #require(training != nil, "the training never started: \(child.transcript)")
            kill(child.process.processIdentifier, SIGKILL)
            _ = child.finish(within: 10)
            let job = try database.connect().execute(
                "SELECT id::text, state, attempts FROM exp.jobs WHERE kind = 'training'")
            #expect(job.string(0, "state") == "running")
            let id = try #require(job.string(0, "id"))
            // Another runner can take it once the dead one's lease ran out.
            Thread.sleep(forTimeInterval: 3.5)
            let again = expctl(arguments: ["apply", "--auto-approve"] + common)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("attempt 2) succeeded"), "\(again.output)")
            let mlflow = try testMLflowClient()
            #expect(try mlflow.modelVersions(setup.model, taggedWith: [:]).count == 1)
            let experiment = try #require(try mlflow.experiment(named: "planner_training"))
            let runs = try mlflow.runs(experimentID: experiment.id, taggedWith: ["expctl.job": id])
            #expect(runs.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.failed, .finished])
        }
    }

    @Test func aReMergeACommentOrAReorderingTrainsNothingButANewLearningRateDoes() throws {
        let repository = try GitFixture()
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-\(UUID().uuidString)").path
        let model = "trained_model_\(UInt32.random(in: .min ... .max))"
        // No policy version on the training: it may change and train again.
        func tree(_ learningRate: String, comment: String = "") -> String {
            String(
                trainingTree(model: model, runner: "    runner: builtin", learningRate: learningRate)
                    .split(separator: "policies:")[0]
            ).replacingOccurrences(of: "    policy: planner_policy\n", with: "") + comment
        }
        try repository.write("tree.yaml", tree("0.05"))
        _ = try repository.commitAll("Train")
        try TestDatabase.with { database in
            #expect(
                expctl(arguments: [
                    "simulate", "--households", "80", "--days", "21", "--seed", "2",
                    "--database-url", database.url,
                ]).status == 0)
            let common = [
                "--repo", repository.path, "--database-url", database.url, "--dataset-root", store,
                "--mlflow-url", try testMLflowURI(),
            ]
            #expect(expctl(arguments: ["apply", "--auto-approve"] + common).status == 0)
            try repository.write(
                "tree.yaml",
                tree("5.0e-2", comment: "# retrained? no: the same inputs\n")
                    .replacingOccurrences(of: "epochs: 2\n    batch_size: 32", with: "batch_size: 32\n    epochs: 2"))
            _ = try repository.commitAll("Reformat")
            #expect(expctl(arguments: ["plan", "--detailed-exitcode"] + common).status == 0)
            try repository.write("tree.yaml", tree("0.1"))
            _ = try repository.commitAll("Another learning rate")
            let plan = expctl(arguments: ["plan"] + common)
            #expect(plan.output.contains("the training config changed in git: a new job"), "\(plan.output)")
            #expect(expctl(arguments: ["apply", "--auto-approve"] + common).status == 0)
            #expect(try testMLflowClient().modelVersions(model, taggedWith: [:]).count == 2)
        }
    }

    @Test func anEvaluationRunAgainGivesBitIdenticalNumbers() throws {
        let setup = try TrainingSetup { _ in "    runner: builtin" }
        try TestDatabase.with { database in
            setup.simulate(database)
            let common = try setup.arguments(database)
            #expect(expctl(arguments: ["apply", "--auto-approve"] + common).status == 0)
            let connection = try database.connect()
            let before = try connection.execute(
                "SELECT offline_eval_score, metrics::text AS m FROM exp.offline_replay_results")
            // The evaluation runs again from the start: the store compares the new score with the old, bit for bit.
            try connection.execute(
                """
                UPDATE exp.jobs SET state = 'pending', result = NULL, finished_at = NULL WHERE kind = 'evaluation'
                """)
            let again = expctl(arguments: ["apply", "--auto-approve"] + common)
            #expect(again.status == 0, "\(again.output)")
            #expect(again.output.contains("job evaluation planner-2025-01-22"), "\(again.output)")
            let after = try connection.execute(
                "SELECT offline_eval_score, metrics::text AS m FROM exp.offline_replay_results")
            #expect(after.rows.count == 1)
            #expect(
                after.double(0, "offline_eval_score")?.bitPattern == before.double(0, "offline_eval_score")?.bitPattern)
            #expect(after.string(0, "m") == before.string(0, "m"))
        }
    }

    @Test func reconcileRunsTheJobsBesideTheLoopAndAppliesWhatTheyUnblock() throws {
        let setup = try TrainingSetup { _ in "    runner: builtin" }
        try TestDatabase.with { database in
            setup.simulate(database)
            let child = try ExpctlProcess(["reconcile", "--interval", "1s"] + (try setup.arguments(database)))
            // The dataset, the training and the evaluation finish on the job thread; each wakes a
            // pass, and one of those passes writes the policy version that waited.
            let trained = child.waitForLine { $0.contains("job training planner-2025-01-22") && $0.contains("succeeded") }
            try #require(trained != nil, "no training: \(child.transcript)")
            // Passes come every second: read them until one has written the version (at most a minute).
            let deadline = Date().addingTimeInterval(60)
            func done() throws -> Bool {
                let open = try database.connect().execute(
                    "SELECT count(*) AS n FROM exp.jobs WHERE state <> 'succeeded'").int(0, "n") ?? 1
                return try database.count("exp.policy_versions") == 1 && open == 0 && database.count("exp.jobs") == 3
            }
            while try !done(), Date() < deadline, child.nextLine() != nil {}
            #expect(try database.count("exp.policy_versions") == 1, "\(child.transcript)")
            #expect(child.lines.contains { $0.contains(": applied ") }, "\(child.transcript)")
            kill(child.process.processIdentifier, SIGTERM)
            #expect(child.finish(within: 30) == 0, "\(child.transcript)")
            #expect(try database.count("exp.policy_versions") == 1)
            let states = try database.connect().execute("SELECT string_agg(state, ',' ORDER BY kind) AS s FROM exp.jobs")
            #expect(states.string(0, "s") == "succeeded,succeeded,succeeded")
        }
    }
}

/// Runs the dataset tests' compare_dataset.py (pyarrow, pandas) on a dataset folder.
private func expectParquetMatchesRows(_ folder: String) throws {
    guard let python = ProcessInfo.processInfo.environment["EXPCTL_TEST_PYTHON"], !python.isEmpty else {
        throw FixtureError(message: "EXPCTL_TEST_PYTHON is not set: run the tests with scripts/test")
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ExpctlDatasetsTests/compare_dataset.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script.path, folder]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains("\"rows\": "), "\(text)")
}
