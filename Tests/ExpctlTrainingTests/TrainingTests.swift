import ExpctlModel
import ExpctlTraining
import Testing

/// Training the reference model on the synthetic planner world.
@Suite("The reference model's training")
struct TrainingTests {
    static let world = SyntheticPlanner()
    /// Rows of other households and times than any training set: the held-out evaluation.
    static let heldOut = world.rows(count: 1_500, seed: 99)

    static func config(
        learningRate: Double = 0.5, epochs: Int = 3, seed: UInt64 = 0, batchSize: Int = 32
    ) -> ReferenceTrainingConfig {
        ReferenceTrainingConfig(
            baseModel: "expctl-reference", datasetVersion: "synthetic/1",
            hyperparameters: ReferenceHyperparameters(
                learningRate: learningRate, epochs: epochs, batchSize: batchSize, seed: seed))
    }

    static func train(_ rows: [DatasetRow], _ config: ReferenceTrainingConfig = config()) throws -> TrainingResult {
        try ReferenceTrainer(config: config).train(rows: rows, catalog: world.catalog)
    }

    static func evaluate(_ model: ReferenceModel) -> ReplayEvaluation {
        OfflineReplay.evaluate(models: [model], rows: heldOut, scorer: OfflineScorer(catalog: world.catalog))[0]
    }

    @Test func moreDataScoresBetter() throws {
        let rows = Self.world.rows(count: 20_000, seed: 1)
        let small = try Self.train(Array(rows.prefix(200)))
        let large = try Self.train(rows)
        let smallScores = Self.evaluate(small.model)
        let largeScores = Self.evaluate(large.model)
        let weights = OfflineGates.defaultWeights
        #expect(try largeScores.offlineEvalScore(weights: weights) > smallScores.offlineEvalScore(weights: weights))
        #expect(largeScores.mean(.planAlignment) > smallScores.mean(.planAlignment) + 0.03)
        #expect(large.history.last!.validationLoss! < small.history.last!.validationLoss!)
        #expect(large.model.keyCount > small.model.keyCount)
    }

    @Test func lossesDecreaseOverEpochsOnLearnableData() throws {
        let result = try Self.train(Self.world.rows(count: 3_000, seed: 2), Self.config(epochs: 4))
        #expect(result.history.map(\.epoch) == [0, 1, 2, 3, 4])
        let train = result.history.map(\.trainLoss)
        let validation = result.history.compactMap(\.validationLoss)
        #expect(validation.count == 5)
        for epoch in 1..<train.count { #expect(train[epoch] < train[epoch - 1]) }
        #expect(validation.last! < validation.first!)
        #expect(result.trainingSamples + result.validationSamples == 3_000)
        #expect(result.validationSamples > 150 && result.validationSamples < 450)
    }

    @Test func eachEpochIsReportedAsItEndsAndAStopAnswerStopsTheTraining() throws {
        let rows = Self.world.rows(count: 600, seed: 5)
        var heard: [EpochLosses] = []
        let result = try ReferenceTrainer(config: Self.config(epochs: 3)).train(rows: rows, catalog: Self.world.catalog)
        {
            heard.append($0)
            return true
        }
        #expect(heard.map(\.epoch) == [0, 1, 2, 3])
        #expect(heard == result.history)
        var epochsSeen = 0
        #expect(throws: TrainingError.stopped(afterEpoch: 1)) {
            try ReferenceTrainer(config: Self.config(epochs: 3)).train(rows: rows, catalog: Self.world.catalog) {
                epochsSeen += 1
                return $0.epoch < 1
            }
        }
        #expect(epochsSeen == 2)
    }

    @Test func trainingAndEvaluationAreBitIdentical() throws {
        let rows = Self.world.rows(count: 1_500, seed: 3)
        let first = try Self.train(rows)
        // The same rows in another order: training sorts them by row id first.
        let second = try Self.train(rows.reversed())
        #expect(first.artifacts == second.artifacts)
        #expect(first.history.map(\.trainLoss.bitPattern) == second.history.map(\.trainLoss.bitPattern))
        let a = Self.evaluate(first.model)
        let b = Self.evaluate(second.model)
        for metric in OfflineMetric.allCases {
            #expect(a.values(metric).map(\.bitPattern) == b.values(metric).map(\.bitPattern))
        }
        #expect(a.latencyMs.bitPattern == b.latencyMs.bitPattern)
    }

    @Test func theLearningRateAndTheSeedChangeTheParameters() throws {
        let rows = Self.world.rows(count: 600, seed: 4)
        let base = try Self.train(rows).artifacts
        #expect(try Self.train(rows, Self.config(learningRate: 0.25)).artifacts.model != base.model)
        #expect(try Self.train(rows, Self.config(seed: 7)).artifacts.model != base.model)
        #expect(try Self.train(rows, Self.config(batchSize: 8)).artifacts.model != base.model)
    }

    @Test func aSavedModelLoadsAndPlansIdentically() throws {
        let result = try Self.train(Self.world.rows(count: 2_000, seed: 5))
        let artifacts = result.artifacts
        let loaded = try ReferenceModel(
            model: artifacts.model, tokenizer: artifacts.tokenizer, catalog: Self.world.catalog)
        #expect(loaded.keyCount == result.model.keyCount)
        #expect(loaded.artifacts.model == artifacts.model)
        for row in Self.heldOut.prefix(300) {
            #expect(loaded.plan(for: row.input) == result.model.plan(for: row.input))
        }
        let original = Self.evaluate(result.model)
        let reloaded = Self.evaluate(loaded)
        #expect(original.rows == reloaded.rows)
    }

    @Test func artifactsAndMetadataCarryTheRecord() throws {
        let result = try Self.train(Self.world.rows(count: 400, seed: 6))
        let metadata = result.metadata(modelVersion: "7")
        guard case .object(let fields) = metadata else {
            Issue.record("metadata is not an object")
            return
        }
        #expect(fields["model_version"] == .string("7"))
        #expect(fields["base_model"] == .string("expctl-reference"))
        #expect(fields["dataset_version"] == .string("synthetic/1"))
        #expect(fields["num_training_samples"] == .integer(Int64(result.trainingSamples)))
        guard case .object(let config)? = fields["training_config"] else {
            Issue.record("no training_config")
            return
        }
        #expect(config["learning_rate"] == .double(0.5))
        #expect(config["epochs"] == .integer(3))
        #expect(config["batch_size"] == .integer(32))
        #expect(config["runner"] == .string("builtin"))
        let parsedConfig = JSONValue(parsing: String(decoding: result.artifacts.config, as: UTF8.self))
        #expect(parsedConfig == .object(config))
        guard
            case .object(let tokenizer)? = JSONValue(
                parsing: String(decoding: result.artifacts.tokenizer, as: UTF8.self))
        else {
            Issue.record("tokenizer is not JSON")
            return
        }
        #expect(tokenizer["recipes"] == .array(Self.world.catalog.recipes.map { .string($0.recipeID) }))
    }

    @Test func hyperparametersComeFromTheTrainingDeclaration() {
        let declared = TrainingConfig(
            name: "t", task: "planner", modelName: "planner_model", baseModel: "llama-3-8b",
            datasetVersion: "planner/2025-01-10", learningRate: 0.3, epochs: 2, batchSize: 16, seed: 11,
            evaluation: EvaluationConfig(datasetVersion: "planner/2025-01-10"),
            origin: SourceLocation(path: "training/t.yaml", line: 1, column: 1))
        let config = ReferenceTrainingConfig(declared)
        #expect(config.baseModel == "llama-3-8b")
        #expect(config.datasetVersion == "planner/2025-01-10")
        #expect(config.hyperparameters.learningRate == 0.3)
        #expect(config.hyperparameters.epochs == 2)
        #expect(config.hyperparameters.batchSize == 16)
        #expect(config.hyperparameters.seed == 11)
    }

    @Test func invalidHyperparametersAndEmptyDatasetsAreErrors() {
        let rows = Self.world.rows(count: 50, seed: 8)
        #expect(throws: TrainingError.invalidHyperparameter(name: "batch_size", problem: "must be at least 1")) {
            try Self.train(rows, Self.config(batchSize: 0))
        }
        #expect(throws: TrainingError.noTrainingRows) {
            try Self.train(
                rows.map { row in
                    var row = row
                    row.split = .validation
                    return row
                })
        }
    }
}
