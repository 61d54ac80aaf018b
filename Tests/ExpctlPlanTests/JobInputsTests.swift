import ExpctlModel
import PlanningTestSupport
import Testing

private let origin = SourceLocation(path: "exp.jobs/1", line: 1, column: 1)

@Suite("A job's recorded inputs read back")
struct JobInputsTests {
    @Test func aTrainingComesBackFromItsInputsWithTheSameDigest() throws {
        let training = desired().trainings[0]
        let back = try TrainingConfig.fromJobInputs(training.jobInputs, name: training.name, origin: origin).get()
        #expect(back.inputsDigest == training.inputsDigest)
        var command = training
        command.runner = .command(CommandSpec(["python3", "train.py"], timeoutSeconds: 60))
        command.evaluation.command = CommandSpec(["python3", "predict.py"])
        let commandBack = try TrainingConfig.fromJobInputs(command.jobInputs, name: command.name, origin: origin).get()
        #expect(commandBack.runner == command.runner)
        #expect(commandBack.evaluation.command == command.evaluation.command)
        #expect(commandBack.inputsDigest == command.inputsDigest)
    }

    @Test func inputsThatAreNotATrainingSayWhichField() {
        var inputs = desired().trainings[0].jobInputs
        inputs["epochs"] = .string("three")
        #expect(throws: JobInputsError(field: "epochs")) {
            try TrainingConfig.fromJobInputs(inputs, name: "t", origin: origin).get()
        }
        inputs = desired().trainings[0].jobInputs
        inputs["surprise"] = .bool(true)
        #expect(throws: JobInputsError(field: "(extra or respelled fields)")) {
            try TrainingConfig.fromJobInputs(inputs, name: "t", origin: origin).get()
        }
    }

    @Test func aDatasetComesBackFromItsInputs() throws {
        let dataset = DatasetConfig(
            name: "planner/2025-01-10", task: "planner", since: Timestamp(rfc3339: "2025-01-01T00:00:00Z")!,
            until: Timestamp(rfc3339: "2025-01-10T00:00:00Z")!, validationShare: 0.1, seed: 4, origin: origin)
        let back = try DatasetConfig.fromJobInputs(dataset.jobInputs, origin: origin).get()
        #expect(back == dataset)
        var inputs = dataset.jobInputs
        inputs["validation_share"] = .double(1.5)
        #expect(throws: JobInputsError(field: "validation_share")) {
            try DatasetConfig.fromJobInputs(inputs, origin: origin).get()
        }
    }

    @Test func theDefaultTimeoutLeavesTheDigestOfEarlierTrainingsAlone() {
        var training = desired().trainings[0]
        training.runner = .command(CommandSpec(["python3", "train.py"]))
        guard case .object(let runner)? = training.jobInputs["runner"] else {
            Issue.record("no runner in the inputs")
            return
        }
        #expect(runner["timeout_seconds"] == nil)
        #expect(
            training.jobInputs["evaluation"].map { if case .object(let e) = $0 { e["command"] == nil } else { false } }
                == true)
    }
}
