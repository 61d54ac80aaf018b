/// Trains the reference model: global popularity first, then mini-batch SGD on the mean
/// negative log-likelihood of the accepted meals (`RowLikelihood`).
///
/// Training depends on the set of rows, not on their order in the file: rows are sorted by row
/// id before the seeded shuffle of each epoch. Every sum runs in a fixed order, and `exp`/`log`
/// are `DeterministicMath`'s, so the same rows, catalogue and hyperparameters give the same
/// parameters, bit for bit, on any machine.
public struct ReferenceTrainer: Sendable {
    public let config: ReferenceTrainingConfig

    public init(config: ReferenceTrainingConfig) { self.config = config }

    /// Trains on `rows`. `afterEpoch` hears each epoch's losses as it ends (epoch 0 included),
    /// for progress; answering false stops the training with `TrainingError.stopped`.
    public func train(
        rows: [DatasetRow], catalog: RecipeCatalog, afterEpoch: (EpochLosses) -> Bool = { _ in true }
    ) throws(TrainingError) -> TrainingResult {
        let hyper = config.hyperparameters
        try Self.validate(hyper)
        let ordered = rows.indices.sorted {
            rows[$0].rowID != rows[$1].rowID ? rows[$0].rowID < rows[$1].rowID : $0 < $1
        }
        let trainRows = ordered.map { rows[$0] }.filter { $0.split == .train }
        let validationRows = ordered.map { rows[$0] }.filter { $0.split == .validation }
        guard !trainRows.isEmpty else { throw .noTrainingRows }

        let vocabulary = ModelVocabulary(catalog)
        let prepared = trainRows.map { catalog.prepare($0.input) }
        let keys = Self.keyVocabulary(prepared, minimumRows: hyper.minKeyCount)
        var parameters = ReferenceParameters(
            vocabulary: vocabulary, keys: keys.vocabulary, keyRows: keys.rows,
            values: [Double](
                repeating: 0, count: keys.vocabulary.count * (vocabulary.recipes.count + vocabulary.featureCount)))
        Self.startFromPopularity(&parameters, trainRows, catalog, smoothing: hyper.popularitySmoothing)

        let likelihood = RowLikelihood(binding: VocabularyBinding(catalog: catalog, vocabulary: vocabulary))
        let train = zip(trainRows, prepared).map { TrainingExample($0, $1, parameters, catalog) }
        let validation = validationRows.map { TrainingExample($0, catalog.prepare($0.input), parameters, catalog) }
        func validationLoss() -> Double? { validation.isEmpty ? nil : likelihood.meanLoss(parameters, validation) }

        var history: [EpochLosses] = []
        func record(_ losses: EpochLosses) throws(TrainingError) {
            history.append(losses)
            guard afterEpoch(losses) else { throw .stopped(afterEpoch: losses.epoch) }
        }
        try record(
            EpochLosses(epoch: 0, trainLoss: likelihood.meanLoss(parameters, train), validationLoss: validationLoss()))
        var generator = SplitMix64(seed: hyper.seed)
        var order = Array(train.indices)
        var gradient = SparseGradient(parameterCount: parameters.values.count, stride: parameters.stride)
        if hyper.epochs > 0 {
            for epoch in 1...hyper.epochs {
                generator.shuffle(&order)
                var epochLoss = 0.0
                var epochMeals = 0
                for start in stride(from: 0, to: order.count, by: hyper.batchSize) {
                    var meals = 0
                    for position in order[start..<min(start + hyper.batchSize, order.count)] {
                        let row = likelihood.accumulateGradient(parameters, train[position], into: &gradient)
                        meals += row.meals
                        epochLoss += row.loss
                    }
                    epochMeals += meals
                    gradient.apply(to: &parameters.values, meals: meals, learningRate: hyper.learningRate, l2: hyper.l2)
                }
                let trainLoss = epochMeals == 0 ? 0 : epochLoss / Double(epochMeals)
                try record(EpochLosses(epoch: epoch, trainLoss: trainLoss, validationLoss: validationLoss()))
            }
        }
        let model = ReferenceModel(parameters: parameters, hyperparameters: hyper, catalog: catalog)
        let skipped = (train + validation).reduce(0) { $0 + $1.skippedMeals }
        return TrainingResult(
            model: model, config: config, history: history, trainingSamples: train.count,
            validationSamples: validation.count, skippedMeals: skipped)
    }

    private static func validate(_ hyper: ReferenceHyperparameters) throws(TrainingError) {
        func check(_ ok: Bool, _ name: String, _ problem: String) throws(TrainingError) {
            if !ok { throw .invalidHyperparameter(name: name, problem: problem) }
        }
        try check(hyper.learningRate.isFinite && hyper.learningRate > 0, "learning_rate", "must be a positive number")
        try check(hyper.epochs >= 0, "epochs", "cannot be negative")
        try check(hyper.batchSize >= 1, "batch_size", "must be at least 1")
        try check(hyper.l2.isFinite && hyper.l2 >= 0, "l2", "must be 0 or more")
        try check(hyper.minKeyCount >= 1, "min_key_count", "must be at least 1")
        try check(hyper.pantryBonus.isFinite, "pantry_bonus", "must be a number")
        try check(
            hyper.popularitySmoothing.isFinite && hyper.popularitySmoothing > 0, "popularity_smoothing",
            "must be a positive number")
    }

    /// The keys of at least `minimumRows` training rows, sorted, and `global` always.
    private static func keyVocabulary(
        _ inputs: [PreparedInput], minimumRows: Int
    ) -> (vocabulary: Vocabulary, rows: [Int]) {
        var counts: [String: Int] = [:]
        for input in inputs {
            for key in input.profileKeys { counts[key, default: 0] += 1 }
        }
        let kept = counts.keys.filter { $0 == ProfileKeys.levelNames[0] || counts[$0]! >= minimumRows }.sorted()
        return (Vocabulary(sortedUnique: kept), kept.map { counts[$0]! })
    }

    /// The global key's biases start at the log of each recipe's smoothed share of the accepted
    /// meals: before any step, the model is global popularity.
    private static func startFromPopularity(
        _ parameters: inout ReferenceParameters, _ rows: [DatasetRow], _ catalog: RecipeCatalog, smoothing: Double
    ) {
        var counts = [Double](repeating: 0, count: catalog.count)
        var total = 0.0
        for row in rows {
            for meal in row.target.acceptedPlan.meals {
                guard let recipe = catalog.index(of: meal.recipeID) else { continue }
                counts[recipe] += 1
                total += 1
            }
        }
        let global = parameters.offset(ofKey: parameters.keys.index[ProfileKeys.levelNames[0]]!)
        let denominator = total + smoothing * Double(catalog.count)
        for recipe in 0..<catalog.count {
            parameters.values[global + recipe] = DeterministicMath.log((counts[recipe] + smoothing) / denominator)
        }
    }
}

public enum TrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidHyperparameter(name: String, problem: String)
    /// No row of the dataset has `split` = `train`.
    case noTrainingRows
    /// The caller's `afterEpoch` asked to stop.
    case stopped(afterEpoch: Int)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let name, let problem): "\(name) \(problem)"
        case .noTrainingRows: "the dataset has no training rows (split 'train')"
        case .stopped(let epoch): "the training was stopped after epoch \(epoch)"
        }
    }
}

/// The losses of an epoch; epoch 0 is the start (global popularity, before any step).
public struct EpochLosses: Sendable, Hashable {
    public var epoch: Int
    /// Mean negative log-likelihood per accepted meal over the training rows (`RowLikelihood`),
    /// each row measured in its batch, just before the step it contributes to (as deep-learning
    /// trainers report it); for epoch 0, with the starting parameters.
    public var trainLoss: Double
    /// The same over the validation rows with the parameters at the end of the epoch; nil when
    /// the dataset has none.
    public var validationLoss: Double?

    public init(epoch: Int, trainLoss: Double, validationLoss: Double?) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
    }
}
