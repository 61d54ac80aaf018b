import ExpctlMLflow
import Testing

@Suite("Registry lookups against a real MLflow server")
struct RegistryLookupTests {
    /// A registered model with versions 1…count from one run, version N tagged `n` = N.
    private func model(_ mlflow: MLflowClient, versions count: Int) throws -> (name: String, run: String) {
        let name = uniqueTestName("lookup_model")
        try mlflow.ensureRegisteredModel(name)
        let run = try mlflow.createRun(experimentID: "0", name: "train", startTime: 1_700_000_000_000)
        for number in 1...count {
            _ = try mlflow.createModelVersion(name, runID: run, tags: ["n": "\(number)", "expctl.commit": number == 3 ? "c2" : "c1"])
        }
        return (name, run)
    }

    @Test func oneVersionWithItsAliases() throws {
        let mlflow = try liveMLflow()
        let (name, run) = try model(mlflow, versions: 2)
        try mlflow.setAlias(name, alias: "production", version: "2")
        let version = try #require(try mlflow.modelVersion(name, version: "2"))
        #expect(version.name == name)
        #expect(version.version == "2")
        #expect(version.status == "READY")
        #expect(version.runID == run)
        #expect(version.source == "runs:/\(run)/model")
        #expect(version.tags == ["n": "2", "expctl.commit": "c1"])
        #expect(version.aliases == ["production"])
        #expect(version.state.isReady)
        #expect(try mlflow.modelVersion(name, version: "1")?.aliases == [])
        #expect(try mlflow.modelVersion(name, version: "99") == nil)
        #expect(try mlflow.modelVersion(uniqueTestName("nope"), version: "1") == nil)
    }

    @Test func anAliasResolvesAndAMissingAliasIsNil() throws {
        let mlflow = try liveMLflow()
        let (name, _) = try model(mlflow, versions: 2)
        try mlflow.setAlias(name, alias: "candidate", version: "1")
        #expect(try mlflow.modelVersion(name, alias: "candidate")?.version == "1")
        #expect(try mlflow.modelVersion(name, alias: "candidate")?.tags["n"] == "1")
        #expect(try mlflow.modelVersion(name, alias: "Candidate") == nil)  // aliases are case-sensitive
        #expect(try mlflow.modelVersion(name, alias: "nope") == nil)
        let missingModel = try #require(throws: MLflowError.self) { try mlflow.modelVersion(uniqueTestName("nope"), alias: "candidate") }
        #expect(missingModel.isNotFound)
        // Another 400 INVALID_PARAMETER_VALUE is not read as "no alias".
        let reserved = try #require(throws: MLflowError.self) { try mlflow.modelVersion(name, alias: "bad alias") }
        #expect(reserved.kind == .api(code: "INVALID_PARAMETER_VALUE"))
    }

    @Test func versionsByTag() throws {
        let mlflow = try liveMLflow()
        let (name, _) = try model(mlflow, versions: 3)
        #expect(try mlflow.modelVersions(name, taggedWith: ["expctl.commit": "c1"]).map(\.version) == ["1", "2"])
        #expect(try mlflow.modelVersion(name, taggedWith: ["expctl.commit": "c1"])?.version == "1")
        #expect(try mlflow.modelVersion(name, taggedWith: ["expctl.commit": "c2", "n": "3"])?.version == "3")
        #expect(try mlflow.modelVersion(name, taggedWith: ["expctl.commit": "c2", "n": "1"]) == nil)
        #expect(try mlflow.modelVersion(name, taggedWith: ["expctl.commit": "c9"]) == nil)
        #expect(try mlflow.modelVersions(name, taggedWith: [:]).map(\.version) == ["1", "2", "3"])
        #expect(try mlflow.modelVersions(uniqueTestName("nope"), taggedWith: ["n": "1"]).isEmpty)
    }

    @Test func registeredModelTagsSetOverwriteAndDelete() throws {
        let mlflow = try liveMLflow()
        let name = uniqueTestName("tagged_model")
        try mlflow.ensureRegisteredModel(name)
        #expect(try mlflow.registeredModelTags(name) == [:])
        try mlflow.setRegisteredModelTag(name, key: "expctl.managed", value: "true")
        try mlflow.setRegisteredModelTag(name, key: "team", value: "ml")
        try mlflow.setRegisteredModelTag(name, key: "team", value: "planning")
        #expect(try mlflow.registeredModelTags(name) == ["expctl.managed": "true", "team": "planning"])
        try mlflow.deleteRegisteredModelTag(name, key: "team")
        try mlflow.deleteRegisteredModelTag(name, key: "team")
        #expect(try mlflow.registeredModelTags(name) == ["expctl.managed": "true"])
        #expect(try mlflow.registeredModelTags(uniqueTestName("nope")) == nil)
        let missing = try #require(throws: MLflowError.self) { try mlflow.setRegisteredModelTag(uniqueTestName("nope"), key: "k", value: "v") }
        #expect(missing.isNotFound)
    }
}
