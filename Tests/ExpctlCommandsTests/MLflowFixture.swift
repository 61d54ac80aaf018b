import ExpctlHTTP
import ExpctlMLflow
import ExpctlModel
import ExpctlPlan
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

/// The MLflow server scripts/test starts (EXPCTL_TEST_MLFLOW_URI).
func testMLflowURI() throws -> String {
    guard let uri = ProcessInfo.processInfo.environment["EXPCTL_TEST_MLFLOW_URI"], !uri.isEmpty else {
        throw FixtureError(message: "EXPCTL_TEST_MLFLOW_URI is not set: run the tests with scripts/test, which starts a throwaway MLflow server")
    }
    return uri
}

func testMLflowClient() throws -> MLflowClient {
    MLflowClient(settings: MLflowSettings(trackingURI: try testMLflowURI()), transport: CurlTransport())
}

/// A registered model of the test's own (tests share the server), with `count` READY versions
/// made from one run; `trainings` tags versions as registered by a training; `productionBefore`
/// marks versions as having been in production (`expctl.was_production`).
func registerTestModel(
    versions count: Int, trainings: [String: String] = [:], productionBefore: Set<Int> = [1]
) throws -> String {
    let mlflow = try testMLflowClient()
    let name = "planner_model_\(UInt32.random(in: .min ... .max))"
    try mlflow.ensureRegisteredModel(name)
    let run = try mlflow.createRun(experimentID: "0", name: "train", startTime: 1_736_000_000_000)
    for number in (0..<count).map({ $0 + 1 }) {
        var tags = trainings[String(number)].map { [RegistryTags.training: $0] } ?? [:]
        // Version 1 is the model a team brings to expctl: it has been in production, so putting
        // it (back) there is a rollback, which needs no gate.
        if productionBefore.contains(number) { tags[RegistryTags.wasProduction] = "true" }
        _ = try mlflow.createModelVersion(name, runID: run, tags: tags)
    }
    return name
}

/// Registers one more version of `model` by hand, tagged as if `training` had registered it
/// (but not by its job): a promotion of the training must never pick it.
func registerVersionByHand(of model: String, training: String) throws -> String {
    let mlflow = try testMLflowClient()
    let run = try mlflow.createRun(experimentID: "0", name: training, startTime: 1_736_500_000_000)
    return try mlflow.createModelVersion(model, runID: run, tags: [RegistryTags.training: training]).version
}

/// Runs the pending training job the way a runner does: claims it, registers a version of
/// `model` tagged with the job's id, and records it; returns the version.
func completeTrainingJob(_ database: TestDatabase, model: String, training: String = "planner-2025-01-10") throws -> String {
    let store = ExpStore(connection: try database.connect())
    let claim = try #require(try store.jobs.claim(owner: "test-runner", leaseSeconds: 60))
    let mlflow = try testMLflowClient()
    let run = try mlflow.createRun(experimentID: "0", name: training, startTime: 1_736_500_000_000)
    let version = try mlflow.createModelVersion(model, runID: run, tags: [RegistryTags.training: training, RegistryTags.job: claim.id]).version
    #expect(try store.jobs.succeed(claim.id, owner: "test-runner", result: ["model_name": .string(model), "model_version": .string(version), "run_id": .string(run)]))
    return version
}

/// Runs the pending evaluation job the way a runner does, recording `OfflineReplayRecord.forTest`
/// (0.80 passes the offline gate, 0.60 fails it).
func completeEvaluationJob(_ database: TestDatabase, candidateScore: Double = 0.8) throws {
    let store = ExpStore(connection: try database.connect())
    let claim = try #require(try store.jobs.claim(owner: "test-runner", leaseSeconds: 60, kinds: [.evaluation]))
    _ = try store.recordOfflineReplay(
        .forTest(inputs: claim.inputs, jobID: claim.id, candidateScore: candidateScore))
    #expect(try store.jobs.succeed(claim.id, owner: "test-runner", result: ["offline_eval_score": .double(candidateScore)]))
}

/// A proxy in front of the test MLflow server that answers 503 to the first `failFirst`
/// requests and to every request after `failAfter` (flaky_proxy.py); stopped on deinit.
/// With `killAfter`, the request that follows the answer to that path SIGKILLs the process
/// whose id is in `pidFile`.
final class FlakyMLflowProxy {
    let process = Process()
    let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("flaky-\(UUID().uuidString).log")
    private(set) var url = ""

    /// - Parameter delay: seconds every request is held before it is answered (a slow server).
    init(failFirst: Int, failAfter: Int = -1, killAfter: (path: String, pidFile: String)? = nil, delay: Double = 0) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("flaky_proxy.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, try testMLflowURI(), String(failFirst), String(failAfter), logURL.path]
            + (killAfter.map { [$0.path, $0.pidFile] } ?? [])
        process.environment = ProcessInfo.processInfo.environment.merging(["FLAKY_PROXY_DELAY": String(delay)]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw FixtureError(message: "the flaky proxy did not start") }
        url = "http://127.0.0.1:\(port)"
    }

    deinit {
        // SIGKILL: Foundation's terminate() did not stop the Python server here.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: logURL)
    }

    /// One line per request: "503 GET /api/2.0/mlflow/registered-models/get".
    var log: [String] { ((try? String(contentsOf: logURL, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
}
