import ExpctlDesiredState
import ExpctlHTTP
import ExpctlMLflow
import ExpctlModel
import ExpctlPlan
import Foundation
import Testing

/// A client of the MLflow server scripts/test starts (EXPCTL_TEST_MLFLOW_URI); tests use model
/// names of their own, so they can share the server.
private func client() throws -> MLflowClient {
    guard let uri = ProcessInfo.processInfo.environment["EXPCTL_TEST_MLFLOW_URI"], !uri.isEmpty else {
        throw MissingMLflow()
    }
    return MLflowClient(settings: MLflowSettings(trackingURI: uri), transport: CurlTransport())
}

private struct MissingMLflow: Error, CustomStringConvertible {
    var description: String {
        "EXPCTL_TEST_MLFLOW_URI is not set: run the tests with scripts/test, which starts a throwaway MLflow server (scripts/mlflow start DIR)"
    }
}

private func uniqueName(_ base: String) -> String { "\(base)_\(UInt32.random(in: .min ... .max))" }

/// A registered model with `count` versions made from one run.
private func registeredModel(_ mlflow: MLflowClient, versions count: Int) throws -> String {
    let name = uniqueName("planner_model")
    try mlflow.ensureRegisteredModel(name)
    let run = try mlflow.createRun(experimentID: "0", name: "train", startTime: 1_700_000_000_000)
    for number in 1...count {
        _ = try mlflow.createModelVersion(name, runID: run, tags: ["expctl.training": "t\(number)"])
    }
    return name
}

@Suite("The MLflow registry client against a real server")
struct RegistryClientTests {
    @Test func aMissingModelIsNilAndCreateIsSafeToRepeat() throws {
        let mlflow = try client()
        let name = uniqueName("absent")
        #expect(try mlflow.registeredModel(name) == nil)
        try mlflow.ensureRegisteredModel(name)
        try mlflow.ensureRegisteredModel(name)
        #expect(try mlflow.registeredModel(name) == RegisteredModelState(name: name))
    }

    @Test func versionsTagsAndAliasesReadBack() throws {
        let mlflow = try client()
        let name = try registeredModel(mlflow, versions: 3)
        try mlflow.setModelVersionTag(name, version: "2", key: "stage", value: "candidate")
        try mlflow.setModelVersionTag(name, version: "2", key: "stage", value: "candidate")
        try mlflow.setAlias(name, alias: "candidate", version: "2")
        try mlflow.setAlias(name, alias: "production", version: "1")
        try mlflow.setAlias(name, alias: "production", version: "3")
        let model = try #require(try mlflow.registeredModel(name))
        #expect(model.versions.keys.sorted() == ["1", "2", "3"])
        #expect(model.versions["2"]?.stage == .candidate)
        #expect(model.versions["2"]?.tags["expctl.training"] == "t2")
        #expect(model.versions["1"]?.isReady == true)
        #expect(model.aliases == ["candidate": "2", "production": "3"])
        try mlflow.deleteAlias(name, alias: "candidate")
        try mlflow.deleteAlias(name, alias: "candidate")
        #expect(try mlflow.registeredModel(name)?.aliases == ["production": "3"])
    }

    @Test func errorsAreTyped() throws {
        let mlflow = try client()
        let missingVersion = try #require(throws: MLflowError.self) {
            try mlflow.setModelVersionTag(uniqueName("nope"), version: "1", key: "stage", value: "x")
        }
        #expect(missingVersion.isNotFound)
        #expect(missingVersion.status == 404)
        let reserved = try #require(throws: MLflowError.self) {
            try mlflow.setAlias(try registeredModel(mlflow, versions: 1), alias: "latest", version: "1")
        }
        #expect(reserved.kind == .api(code: "INVALID_PARAMETER_VALUE"))
        // A wrong base URL answers an HTML 404: not MLflow's JSON.
        let wrong = MLflowClient(settings: MLflowSettings(trackingURI: mlflow.settings.trackingURI + "/nope"), transport: CurlTransport())
        let html = try #require(throws: MLflowError.self) { try wrong.registeredModel("x") }
        #expect(html.kind == .unexpectedAnswer)
        #expect(html.status == 404)
    }

    @Test func thePlannerReadsTheRealRegistry() throws {
        let mlflow = try client()
        let name = try registeredModel(mlflow, versions: 2)
        let text = """
            policies:
              - name: p
                versions:
                  - { version: 1, mlflow_model_name: \(name), mlflow_model_version: 1 }
                  - { version: 2, mlflow_model_name: \(name), mlflow_model_version: 7 }
            promotions:
              - { model: \(name), version: 2, stage: production }
            """
        let (state, diagnostics) = CrossFileValidator.merge([FileDecoder.decode(path: "policies.yaml", text: text)])
        #expect(diagnostics.isEmpty)
        let observed = ObservedState(registry: .read(try mlflow.registryState(models: [name])), registryModels: [name])
        let plan = Planner.plan(desired: state, observed: observed, commit: "c")
        #expect(plan.problems.map(\.source?.line) == [5])
        #expect(plan.problems.first?.hint == "register it first, or point at a registered version (1, 2)")
        #expect(plan.actions.map(\.id).suffix(2) == ["update model_version.\(name)/2", "create model_alias.\(name)@production"])
    }

    @Test func settingsComeFromMLflowsVariables() {
        let token = MLflowSettings.resolve(url: nil, environment: ["MLFLOW_TRACKING_URI": "http://m:5000/", "MLFLOW_TRACKING_TOKEN": "t0k"])
        #expect(token?.trackingURI == "http://m:5000")
        #expect(token?.credentials.map { "\($0)" } == "bearer token ***")
        let basic = MLflowSettings.resolve(url: "https://u:pw@m", environment: ["MLFLOW_TRACKING_USERNAME": "u", "MLFLOW_TRACKING_PASSWORD": "pw"])
        #expect(basic?.redactedURI.contains("pw") == false)
        #expect(MLflowSettings.resolve(url: nil, environment: [:]) == nil)
        // --mlflow-url wins over the variable; a CA bundle comes from MLflow's own variable.
        let overridden = MLflowSettings.resolve(
            url: "https://flag:5000", environment: ["MLFLOW_TRACKING_URI": "http://env:5000", "MLFLOW_TRACKING_SERVER_CERT_PATH": "/etc/ca.pem"])
        #expect(overridden?.trackingURI == "https://flag:5000")
        #expect(overridden?.caBundle == "/etc/ca.pem")
        #expect(overridden?.credentials == nil)
    }

    /// MLflow's filters have no escape for quotes: a name with `'` is searched in `"…"`.
    @Test func aModelNameWithAQuoteFindsItsVersions() throws {
        let mlflow = try client()
        let name = uniqueName("o'brien")
        try mlflow.ensureRegisteredModel(name)
        let run = try mlflow.createRun(experimentID: "0", name: "train", startTime: 1_700_000_000_000)
        _ = try mlflow.createModelVersion(name, runID: run)
        #expect(try mlflow.modelVersions(name).map(\.version) == ["1"])
    }
}
