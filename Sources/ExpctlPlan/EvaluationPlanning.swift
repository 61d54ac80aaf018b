import ExpctlModel

/// Plans the offline replay of each trained model version: a job `job.evaluation/TRAINING`
/// identified by the candidate version, the baseline it is compared with, the dataset and the
/// scorer's version. A new production version, or a new scorer, asks for a new evaluation; an
/// evaluation already recorded for the same inputs is not run again.
enum EvaluationPlanning {
    /// The requests of the trainings whose job registered a version; none for a training whose
    /// baseline cannot be known yet (the registry was not read, or git moves the model's
    /// production to another version: the next plan sees the new one). A version git promotes
    /// to production itself is compared with the production version it replaces.
    static func requests(
        _ desired: DesiredState, _ trainings: TrainingJobs, _ observed: ObservedState
    ) -> [JobPlanning.JobRequest] {
        desired.trainings.compactMap { training -> JobPlanning.JobRequest? in
            guard case .recorded(let job)? = trainings.statuses[training.name], let version = job.registeredModelVersion
            else { return nil }
            let baseline: String?
            switch training.evaluation.baseline {
            case .none: baseline = nil
            case .version(let number): baseline = String(number)
            case .production:
                guard case .read(let registry) = observed.registry else { return nil }
                if let kept = keptEvaluation(of: training, version: version, registry, observed) { return kept }
                let current = registry.models[training.modelName]?.aliases[EvaluationIdentity.productionAlias]
                if let next = productionDeclared(for: training.modelName, desired, trainings), next != current,
                    next != version
                {
                    return nil
                }
                baseline = current
            }
            let inputs = jobInputs(
                training, version: version, baseline: baseline == version ? nil : baseline,
                datasetDigest: datasetDigest(training.evaluation.datasetVersion, observed),
                weights: desired.gates(for: training).offline.weights)
            return JobPlanning.JobRequest(
                kind: .evaluation, name: training.name, inputs: inputs,
                digest: ContentHash.hex(JSONValue.object(inputs).canonicalText), origin: training.origin)
        }
    }

    /// The evaluation a version keeps once its lifecycle moved past the offline gate (it is or
    /// was in production, or it was archived): its last succeeded evaluation, so that a new
    /// production version does not replay it again (against itself, or against its successor)
    /// and overwrite the verdict it was promoted on.
    private static func keptEvaluation(
        of training: TrainingConfig, version: String, _ registry: RegistryState, _ observed: ObservedState
    ) -> JobPlanning.JobRequest? {
        guard let state = registry.models[training.modelName]?.versions[version],
            LifecyclePlanning.wasProduction(state) || state.stage == .archived,
            let last = observed.jobs.jobs.last(where: { job in
                job.key.kind == .evaluation && job.key.name == training.name && job.state == .succeeded
                    && job.inputs["model_version"] == .string(version)
            })
        else { return nil }
        return JobPlanning.JobRequest(
            kind: .evaluation, name: training.name, inputs: last.inputs, digest: last.key.inputsDigest,
            origin: training.origin)
    }

    static func jobInputs(
        _ training: TrainingConfig, version: String, baseline: String?, datasetDigest: String?,
        weights: [String: Double]
    ) -> [String: JSONValue] {
        var inputs: [String: JSONValue] = [
            "inputs_version": .integer(EvaluationIdentity.inputsSchemaVersion),
            "model_name": .string(training.modelName),
            "model_version": .string(version),
            "baseline_version": baseline.map(JSONValue.string) ?? .null,
            "dataset_version": .string(training.evaluation.datasetVersion),
            "dataset_digest": datasetDigest.map(JSONValue.string) ?? .null,
            "scorer_version": .string(EvaluationIdentity.scorerVersion),
            "weights": .object(weights.mapValues(JSONValue.double)),
            "seed": .integer(Int64(training.seed)),
        ]
        inputs["command"] = training.evaluation.command?.jobInputs ?? .null
        // A team's predictor runs with the training's code, so it is part of the evaluation too.
        if let code = training.codeInputs { inputs["code"] = code }
        return inputs
    }

    /// The content digest a succeeded dataset job recorded for `name`, if any.
    private static func datasetDigest(_ name: String, _ observed: ObservedState) -> String? {
        let built = observed.jobs.jobs.last { $0.key.kind == .dataset && $0.key.name == name && $0.state == .succeeded }
        guard case .string(let digest)? = built?.result?[DatasetResultKeys.contentDigest] else { return nil }
        return digest
    }
}

extension EvaluationPlanning {
    /// The version git promotes to production for `model`, once it is known (a training's
    /// version once its job registered it); nil when git promotes none.
    static func productionDeclared(for model: String, _ desired: DesiredState, _ trainings: TrainingJobs) -> String? {
        for promotion in desired.promotions where promotion.model == model && promotion.stage == .production {
            switch promotion.target {
            case .version(let number): return number
            case .training(let name):
                if case .recorded(let job)? = trainings.statuses[name], job.state == .succeeded {
                    return job.registeredModelVersion
                }
                return nil
            }
        }
        return nil
    }
}
