import ExpctlMLflow
import Testing

@Suite("Experiments against a real MLflow server")
struct ExperimentClientTests {
    @Test func aMissingExperimentIsNil() throws {
        let mlflow = try liveMLflow()
        #expect(try mlflow.experiment(named: uniqueTestName("absent")) == nil)
        #expect(try mlflow.experiment(id: "987654321") == nil)
    }

    @Test func createThenReadBack() throws {
        let mlflow = try liveMLflow()
        let name = uniqueTestName("created")
        let id = try mlflow.createExperiment(name: name, tags: ["expctl.path": "configs/x.yaml"])
        let experiment = try #require(try mlflow.experiment(named: name))
        #expect(experiment.id == id)
        #expect(experiment.name == name)
        #expect(experiment.lifecycleStage == "active")
        #expect(experiment.artifactLocation == "mlflow-artifacts:/\(id)")
        #expect(experiment.tags == ["expctl.path": "configs/x.yaml"])
        #expect(try mlflow.experiment(id: id) == experiment)
        let duplicate = try #require(throws: MLflowError.self) { try mlflow.createExperiment(name: name) }
        #expect(duplicate.isAlreadyExisting)
        #expect(duplicate.status == 400)
    }

    @Test func ensureCreatesOnceAndIsSafeToRepeat() throws {
        let mlflow = try liveMLflow()
        let name = uniqueTestName("ensured")
        let first = try mlflow.ensureExperiment(name: name, tags: ["expctl.managed": "true"])
        let second = try mlflow.ensureExperiment(name: name, tags: ["expctl.managed": "true"])
        #expect(first == second)
        #expect(first.name == name)
        #expect(first.tags == ["expctl.managed": "true"])
        #expect(try mlflow.experiment(named: name) == first)
    }

    @Test func ensureSetsTagsThatDifferOnAnExistingExperiment() throws {
        let mlflow = try liveMLflow()
        let name = uniqueTestName("retagged")
        let id = try mlflow.createExperiment(name: name, tags: ["keep": "me", "expctl.path": "old.yaml"])
        let ensured = try mlflow.ensureExperiment(name: name, tags: ["expctl.path": "new.yaml"])
        #expect(ensured.id == id)
        #expect(ensured.tags == ["keep": "me", "expctl.path": "new.yaml"])
        #expect(try mlflow.experiment(named: name)?.tags == ["keep": "me", "expctl.path": "new.yaml"])
    }

    @Test func ensureRestoresADeletedExperiment() throws {
        let mlflow = try liveMLflow()
        let name = uniqueTestName("deleted")
        let id = try mlflow.createExperiment(name: name)
        try mlflow.deleteExperiment(id: id)
        #expect(try mlflow.experiment(named: name)?.isDeleted == true)
        // The name stays taken by the deleted experiment.
        #expect(throws: MLflowError.self) { try mlflow.createExperiment(name: name) }
        let restored = try mlflow.ensureExperiment(name: name)
        #expect(restored.id == id)
        #expect(restored.lifecycleStage == "active")
        #expect(try mlflow.experiment(named: name)?.isDeleted == false)
        #expect(try mlflow.ensureExperiment(name: name).id == id)
    }

    @Test func restoringAnActiveExperimentIsNotFound() throws {
        let mlflow = try liveMLflow()
        let id = try mlflow.createExperiment(name: uniqueTestName("active"))
        let error = try #require(throws: MLflowError.self) { try mlflow.restoreExperiment(id: id) }
        #expect(error.isNotFound)
    }
}
