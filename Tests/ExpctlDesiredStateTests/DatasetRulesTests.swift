import ExpctlDesiredState
import ExpctlModel
import Testing

private let datasetFile = """
    datasets:
      - name: planner/2025-01-10
        description: accepted plans of the first ten days
        task: planner
        since: 2025-01-01T00:00:00Z
        until: 2025-01-10T00:00:00Z
        validation_share: 0.2
        seed: 7
    """

private func datasets(_ text: String) -> [Diagnostic] { validate(replacing: ["datasets.yaml": text]) }

private func dataset(_ replace: String, with replacement: String) -> [Diagnostic] {
    datasets(datasetFile.replacingFirst(replace, with: replacement))
}

@Suite("Rules about datasets")
struct DatasetRulesTests {
    @Test func aDeclaredDatasetDecodesWithItsDefaults() throws {
        let (state, diagnostics) = validate(validTree.merging(["datasets.yaml": datasetFile]) { $1 })
        #expect(diagnostics.isEmpty, "\(diagnostics.map(describe))")
        let declared = try #require(state.datasets.first)
        #expect(declared.name == "planner/2025-01-10")
        #expect(declared.since.description == "2025-01-01T00:00:00Z")
        #expect(declared.validationShare == 0.2)
        #expect(declared.seed == 7)
        #expect(declared.domainSchema == "app")
        #expect(declared.origin.description == "datasets.yaml:2:11")
        #expect(state.counts.datasets == 1)
    }

    @Test func theInputsDigestIgnoresTheDescriptionAndFollowsEveryInput() throws {
        let base = try #require(validate(validTree.merging(["datasets.yaml": datasetFile]) { $1 }).state.datasets.first)
        let described = datasetFile.replacingFirst("accepted plans of the first ten days", with: "other words")
        let same = try #require(validate(validTree.merging(["datasets.yaml": described]) { $1 }).state.datasets.first)
        #expect(same.inputsDigest == base.inputsDigest)
        let reseeded = try #require(
            validate(
                validTree.merging(
                    ["datasets.yaml": datasetFile.replacingFirst("seed: 7", with: "seed: 8")]) { $1 }
            ).state.datasets.first)
        #expect(reseeded.inputsDigest != base.inputsDigest)
    }

    @Test func aNameThatLeavesTheStoreIsRefused() {
        expectSingleError(
            dataset("name: planner/2025-01-10", with: "name: planner/../../etc"), at: "datasets.yaml:2:11",
            message: "must stay inside the dataset store")
        expectSingleError(
            dataset("name: planner/2025-01-10", with: "name: /var/data"), at: "datasets.yaml:2:11",
            message: "is not a relative folder")
        expectSingleError(
            dataset("name: planner/2025-01-10", with: "name: Planner/Jan 10"), at: "datasets.yaml:2:11",
            message: "not a portable name: Planner, Jan 10")
    }

    @Test func anEmptyWindowIsRefused() {
        expectSingleError(
            dataset("until: 2025-01-10T00:00:00Z", with: "until: 2025-01-01T00:00:00Z"), at: "datasets.yaml:6:12",
            message: "is not after since", hint: "[since, until)")
        expectSingleError(
            dataset("    since: 2025-01-01T00:00:00Z\n", with: ""), at: "datasets.yaml:2:5",
            message: "since")
    }

    @Test func theValidationShareAndSchemaAreChecked() {
        expectSingleError(
            dataset("validation_share: 0.2", with: "validation_share: 1"), at: "datasets.yaml:7:23",
            message: "validation_share must be at least 0 and below 1")
        expectSingleError(
            dataset("seed: 7", with: "seed: 7\n    domain_schema: App-Data"), at: "datasets.yaml:9:20",
            message: "not a plain SQL identifier")
        expectSingleError(
            dataset("seed: 7", with: "seed: -1"), at: "datasets.yaml:8:11", message: "seed must be 0 or more")
    }

    @Test func aDatasetDeclaredTwiceNamesBothPlaces() {
        let diagnostics = validate(replacing: ["datasets.yaml": datasetFile, "z/datasets.yaml": datasetFile])
        expectSingleError(
            diagnostics, at: "z/datasets.yaml:2:11",
            message: "dataset 'planner/2025-01-10' is defined twice: here and at datasets.yaml:2:11")
    }

    @Test func aTrainingOfAnotherTaskThanItsDatasetIsRefused() {
        expectSingleError(
            dataset("task: planner", with: "task: ranker"), at: "training.yaml:2:11",
            message: "training task 'planner' differs from the task 'ranker' of dataset planner/2025-01-10")
    }
}
