public import ExpctlModel

/// Merges per-file fragments into one desired state and checks what only the whole tree
/// shows: names defined twice, references to undeclared resources, trainings and policy
/// versions that disagree on their model, and conflicting promotions.
public enum CrossFileValidator {
    public static func merge(_ fragments: [FileFragment]) -> (state: DesiredState, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var declarations = Declarations()
        var experiments = UniqueResources<Experiment>(
            kind: "experiment", capacity: fragments.reduce(0) { $0 + $1.experiments.count })
        var policies = UniqueResources<Policy>(kind: "policy")
        var trainings = UniqueResources<TrainingConfig>(kind: "training")
        var datasets = UniqueResources<DatasetConfig>(kind: "dataset")
        var promotions: [Promotion] = []
        var gateProfiles = UniqueResources<GateProfile>(kind: "gate profile")
        for fragment in fragments {
            if !fragment.diagnostics.isEmpty { diagnostics += fragment.diagnostics }
            if !fragment.declarations.isEmpty { declarations.merge(fragment.declarations) }
            experiments.add(fragment.experiments, diagnostics: &diagnostics)
            policies.add(fragment.policies, diagnostics: &diagnostics)
            trainings.add(fragment.trainings, diagnostics: &diagnostics)
            datasets.add(fragment.datasets, diagnostics: &diagnostics)
            if !fragment.promotions.isEmpty { promotions += fragment.promotions }
            if !fragment.gateProfiles.isEmpty { gateProfiles.add(fragment.gateProfiles, diagnostics: &diagnostics) }
        }
        diagnostics += undecodedDuplicates(
            fragments,
            [
                "experiment": experiments.origin(of:), "policy": policies.origin(of:),
                "training": trainings.origin(of:),
                "dataset": datasets.origin(of:), "gate profile": gateProfiles.origin(of:),
            ])
        let state = DesiredState(
            experiments: experiments.resources, policies: policies.resources, trainings: trainings.resources,
            datasets: datasets.resources, promotions: promotions, gateProfiles: gateProfiles.resources)
        let resolver = ReferenceResolver(state, declarations)
        // Thousands of files point at the same few targets: resolve each target once.
        var resolved: Set<Reference.Target> = []
        for fragment in fragments {
            let references = fragment.references
            for item in references.indices where !resolved.contains(references[item].target) {
                if let diagnostic = resolver.resolve(references[item]) {
                    diagnostics.append(diagnostic)
                } else {
                    resolved.insert(references[item].target)
                }
            }
        }
        diagnostics += trainingConsistency(state, resolver)
        diagnostics += datasetTasks(state)
        diagnostics += promotionConflicts(state, resolver)
        return (state, diagnostics)
    }

    /// Second definitions among resources that failed to decode (rare, so checked apart): the
    /// later of two definitions is reported, naming the earlier.
    private static func undecodedDuplicates(
        _ fragments: [FileFragment], _ decodedOrigin: [String: (String) -> SourceLocation?]
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        for fragment in fragments {
            for declared in fragment.undecodedNames {
                let key = "\(declared.kind) \(declared.name)"
                let candidates = [seen[key], decodedOrigin[declared.kind]?(declared.name)].compactMap { $0 }
                guard let first = candidates.min() else {
                    seen[key] = declared.location
                    continue
                }
                let (earlier, later) =
                    first < declared.location ? (first, declared.location) : (declared.location, first)
                diagnostics.append(.definedTwice(declared.kind, declared.name, at: later, first: earlier))
            }
        }
        return diagnostics
    }

    /// A training on a declared dataset must be of the dataset's task.
    private static func datasetTasks(_ state: DesiredState) -> [Diagnostic] {
        guard !state.datasets.isEmpty else { return [] }
        let datasets = Dictionary(state.datasets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return state.trainings.compactMap { training in
            guard let dataset = datasets[training.datasetVersion], dataset.task != training.task else { return nil }
            return Diagnostic(
                at: training.origin, resource: "training \(training.name)", field: "task",
                message: "training task '\(training.task)' differs from the task '\(dataset.task)' of dataset "
                    + "\(dataset.name) (\(dataset.origin))",
                hint: "train on a dataset of task \(training.task), or make the tasks the same")
        }
    }

    /// A training that a policy version points at must register into that version's model
    /// and, when it names a policy, that policy; and it can feed only one policy version.
    private static func trainingConsistency(_ state: DesiredState, _ resolver: ReferenceResolver) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var usedBy: [String: String] = [:]
        for policy in state.policies {
            for version in policy.versions {
                guard case .training(let name) = version.model, let training = resolver.trainings[name] else {
                    continue
                }
                let resource = "policy \(policy.name) version \(version.version)"
                if let other = usedBy[name] {
                    diagnostics.append(
                        Diagnostic(
                            at: version.origin, resource: resource, field: "training",
                            message:
                                "training '\(name)' already feeds \(other); a training registers one model version",
                            hint: "declare a separate training for this policy version"))
                } else {
                    usedBy[name] = "\(policy.name)@\(version.version)"
                }
                if training.modelName != version.mlflowModelName {
                    diagnostics.append(
                        Diagnostic(
                            at: version.origin, resource: resource, field: "mlflow_model_name",
                            message:
                                "mlflow_model_name '\(version.mlflowModelName)' differs from the model '\(training.modelName)' that training '\(name)' registers into (\(training.origin))",
                            hint: "make mlflow_model_name and the training's model_name the same"))
                }
                if let trainingPolicy = training.policy, trainingPolicy != policy.name {
                    diagnostics.append(
                        Diagnostic(
                            at: version.origin, resource: resource, field: "training",
                            message:
                                "training '\(name)' is declared for policy '\(trainingPolicy)' (\(training.origin)), not '\(policy.name)'",
                            hint:
                                "point this version at a training of policy \(policy.name), or change the training's policy"
                        ))
                }
            }
        }
        return diagnostics
    }

    /// At most one production version per model, and one declared stage per version.
    private static func promotionConflicts(_ state: DesiredState, _ resolver: ReferenceResolver) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var production: [String: SourceLocation] = [:]
        var declared: [String: SourceLocation] = [:]
        for promotion in state.promotions {
            let resource = "promotion \(promotion.model) \(promotion.target)"
            let key = "\(promotion.model)\u{0}\(promotion.target)"
            if let first = declared[key] {
                diagnostics.append(
                    Diagnostic(
                        at: promotion.origin, resource: resource,
                        message:
                            "\(promotion.target) of model '\(promotion.model)' is promoted twice (first at \(first))",
                        hint: "declare one stage per model version"))
                continue
            }
            declared[key] = promotion.origin
            if case .training(let name) = promotion.target, let training = resolver.trainings[name],
                training.modelName != promotion.model
            {
                diagnostics.append(
                    Diagnostic(
                        at: promotion.origin, resource: resource, field: "training",
                        message:
                            "training '\(name)' registers into model '\(training.modelName)', not '\(promotion.model)'",
                        hint: "set `model: \(training.modelName)` or name a training of model \(promotion.model)"))
            }
            guard promotion.stage == .production else { continue }
            if let first = production[promotion.model] {
                diagnostics.append(
                    Diagnostic(
                        at: promotion.origin, resource: resource, field: "stage",
                        message: "model '\(promotion.model)' has two production promotions (first at \(first))",
                        hint:
                            "at most one version of a model is in production: make the other one archived or candidate")
                )
            } else {
                production[promotion.model] = promotion.origin
            }
        }
        return diagnostics
    }
}

/// Lookup tables for resolving references: names declared anywhere (even by resources that
/// failed to decode, so that one mistake is reported once) and the decoded trainings.
struct ReferenceResolver {
    var declarations: Declarations
    var trainings: [String: TrainingConfig] = [:]

    init(_ state: DesiredState, _ declarations: Declarations) {
        self.declarations = declarations
        for training in state.trainings { trainings[training.name] = training }
    }

    func resolve(_ reference: Reference) -> Diagnostic? {
        func problem(_ message: String, _ hint: String) -> Diagnostic {
            Diagnostic(
                at: reference.location, resource: reference.resource, field: reference.field, message: message,
                hint: hint)
        }
        switch reference.target {
        case .policyVersion(let target):
            guard declarations.policies.contains(target.policy) else {
                return problem(
                    "policy_version '\(target)' names no declared policy",
                    Suggestions.closest(to: target.policy, among: declarations.policies).map {
                        "did you mean `\($0)@\(target.version)`?"
                    }
                        ?? "declare policy '\(target.policy)' under `policies:`")
            }
            let versions = declarations.policyVersions[target.policy] ?? []
            guard versions.contains(target.version) else {
                let declared = versions.map { "\(target.policy)@\($0)" }.joined(separator: ", ")
                return problem(
                    "policy_version '\(target)' names no declared version of policy '\(target.policy)'",
                    declared.isEmpty
                        ? "declare version \(target.version) under the policy's `versions:`"
                        : "declared versions: \(declared)")
            }
        case .training(let name):
            guard !declarations.trainings.contains(name) else { return nil }
            return problem(
                "training '\(name)' is not declared",
                Suggestions.closest(to: name, among: declarations.trainings).map { "did you mean `\($0)`?" }
                    ?? "declare it under `training:`")
        case .policy(let name):
            guard !declarations.policies.contains(name) else { return nil }
            return problem(
                "policy '\(name)' is not declared",
                Suggestions.closest(to: name, among: declarations.policies).map { "did you mean `\($0)`?" }
                    ?? "declare it under `policies:`")
        case .model(let name):
            guard !declarations.models.contains(name) else { return nil }
            return problem(
                "model '\(name)' is not used by any policy version or training",
                Suggestions.closest(to: name, among: declarations.models).map { "did you mean `\($0)`?" }
                    ?? "promotions manage models that a policy version's mlflow_model_name or a training's model_name names"
            )
        case .gateProfile(let name):
            guard name != GateProfile.defaultName, !declarations.gateProfiles.contains(name) else { return nil }
            let declared = declarations.gateProfiles.sorted()
            return problem(
                "gate profile '\(name)' is not declared",
                Suggestions.closest(to: name, among: declared).map { "did you mean `\($0)`?" }
                    ?? "declare it under `gates:` as `- name: \(name)` with its offline and online gates")
        }
        return nil
    }
}
