import ExpctlDesiredState
import ExpctlGit
import ExpctlModel
import Foundation
import Testing

/// A command training whose code is `code` (nil: the default, the training file's folder).
private func training(code: String?) -> String {
    """
    training:
      - name: planner-team
        task: planner
        model_name: planner_model
        base_model: llama-3-8b
        dataset_version: planner/2025-01-10
        learning_rate: 0.001
        epochs: 2
        batch_size: 8
        runner: command
        command: [python3, training/train.py, "{output_dir}"]
    \(code.map { "    code: \($0)\n" } ?? "")    evaluation:
          command: [python3, training/predict.py, "{rows_file}", "{predictions_file}"]
    """
}

/// The code of a command training, read from the commit's tree: its files' blob ids are part of
/// the job's identity.
@Suite("A command training's code at its commit")
struct TrainingCodeTests {
    private func load(_ fixture: TestRepository, ref: String) throws -> (TrainingConfig?, LoadResult) {
        let (_, result) = try GitDesiredStateSource(repository: try GitRepository(path: fixture.path))
            .load(ref: ref, under: "configs")
        return (result.state.trainings.first, result)
    }

    @Test func changingTheTrainingScriptChangesTheJobAndAnotherFileDoesNot() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/training.yaml", training(code: "[training/train.py, training/lib]"))
            try fixture.write("training/train.py", "print('v1')\n")
            try fixture.write("training/lib/util.py", "X = 1\n")
            try fixture.write("training/predict.py", "print('predict')\n")
            try fixture.write("README.md", "about\n")
            let first = try fixture.commitAll("first")
            try fixture.write("README.md", "about, edited\n")
            try fixture.write("training/predict.py", "print('not in code')\n")
            let unrelated = try fixture.commitAll("edit files outside the code")
            try fixture.write("training/train.py", "print('v2')\n")
            let retrain = try fixture.commitAll("change the training script")

            let (before, result) = try load(fixture, ref: first)
            #expect(result.isValid, "\(result.diagnostics)")
            let files = try #require(before?.codeFiles)
            #expect(files.keys.sorted() == ["training/lib/util.py", "training/train.py"])
            #expect(files.values.allSatisfy { $0.count == 40 })
            let (same, _) = try load(fixture, ref: unrelated)
            #expect(same?.inputsDigest == before?.inputsDigest)
            let (changed, _) = try load(fixture, ref: retrain)
            #expect(changed?.inputsDigest != before?.inputsDigest)
            #expect(changed?.codeFiles["training/lib/util.py"] == files["training/lib/util.py"])
        }
    }

    @Test func theDefaultCodeIsTheTrainingFilesFolder() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/training.yaml", training(code: nil))
            try fixture.write("configs/train.py", "print('v1')\n")
            try fixture.write("training/train.py", "print('elsewhere')\n")
            let commit = try fixture.commitAll("first")
            let (config, result) = try load(fixture, ref: commit)
            #expect(result.isValid, "\(result.diagnostics)")
            #expect(config?.code == ["configs"])
            #expect(config?.codeFiles.keys.sorted() == ["configs/train.py", "configs/training.yaml"])
        }
    }

    @Test func aCodePathTheCommitLacksIsAnErrorAtTheTraining() throws {
        try TestRepository.with { fixture in
            try fixture.write("configs/training.yaml", training(code: "[training/missing.py]"))
            let commit = try fixture.commitAll("first")
            let (_, result) = try load(fixture, ref: commit)
            let error = try #require(result.diagnostics.first { $0.field == "code" })
            #expect(
                error.message
                    == "code path 'training/missing.py' is not in the repository at commit \(commit.prefix(7))")
            #expect(error.location.path == "configs/training.yaml")
            #expect(error.resource == "training planner-team")
        }
    }
}
