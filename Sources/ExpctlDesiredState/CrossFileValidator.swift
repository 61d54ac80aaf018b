public import ExpctlModel

/// Merges per-file fragments into one desired state and checks what only the whole tree
/// shows: names defined twice, references to undeclared resources, trainings and policy
/// versions that disagree on their model, and conflicting promotions.
public enum CrossFileValidator {
    public static func merge(_ fragments: [FileFragment]) -> (state: DesiredState, diagnostics: [Diagnostic]) {
        var state = DesiredState()
        state.experiments.reserveCapacity(fragments.reduce(0) { $0 + $1.experiments.count })
        var diagnostics: [Diagnostic] = []
        var declarations = Declarations()
        var gatesLocation: SourceLocation?
        // Name → position in the merged list, to name the first definition of a duplicate.
        var experimentNames: [String: Int] = [:]
        var policyNames: [String: Int] = [:]
        var trainingNames: [String: Int] = [:]
        experimentNames.reserveCapacity(state.experiments.capacity)
        // Fields are read through the array (`fragments[position].x`) rather than by copying
        // each fragment: on trees of thousands of files the copies cost more than the checks.
        for position in fragments.indices {
            if !fragments[position].diagnostics.isEmpty { diagnostics += fragments[position].diagnostics }
            if !fragments[position].declarations.isEmpty { declarations.merge(fragments[position].declarations) }
            for experiment in fragments[position].experiments {
                if let first = experimentNames[experiment.name] {
                    diagnostics.append(duplicate("experiment", experiment.name, experiment.origin, state.experiments[first].origin))
                } else {
                    experimentNames[experiment.name] = state.experiments.count
                    state.experiments.append(experiment)
                }
            }
            for policy in fragments[position].policies {
                if let first = policyNames[policy.name] {
                    diagnostics.append(duplicate("policy", policy.name, policy.origin, state.policies[first].origin))
                } else {
                    policyNames[policy.name] = state.policies.count
                    state.policies.append(policy)
                }
            }
            for training in fragments[position].trainings {
                if let first = trainingNames[training.name] {
                    diagnostics.append(duplicate("training", training.name, training.origin, state.trainings[first].origin))
                } else {
                    trainingNames[training.name] = state.trainings.count
                    state.trainings.append(training)
                }
            }
            if !fragments[position].promotions.isEmpty { state.promotions += fragments[position].promotions }
            if let location = fragments[position].gatesLocation {
                if let first = gatesLocation {
                    diagnostics.append(Diagnostic(
                        at: location, resource: "gates", message: "gates are declared more than once (first at \(first))",
                        hint: "keep a single `gates:` mapping in the whole tree"))
                } else {
                    gatesLocation = location
                    if let gates = fragments[position].gates { state.gates = gates }
                }
            }
        }
        diagnostics += undecodedDuplicates(
            fragments, state: state, names: ["experiment": experimentNames, "policy": policyNames, "training": trainingNames])
        let resolver = ReferenceResolver(state, declarations)
        // Thousands of files point at the same few targets: resolve each target once.
        var resolved: Set<Reference.Target> = []
        for position in fragments.indices {
            let references = fragments[position].references
            for item in references.indices where !resolved.contains(references[item].target) {
                if let diagnostic = resolver.resolve(references[item]) {
                    diagnostics.append(diagnostic)
                } else {
                    resolved.insert(references[item].target)
                }
            }
        }
        diagnostics += trainingConsistency(state, resolver)
        diagnostics += promotionConflicts(state, resolver)
        return (state, diagnostics)
    }

    /// Second definitions among resources that failed to decode (rare, so checked apart): the
    /// later of two definitions is reported, naming the earlier.
    private static func undecodedDuplicates(
        _ fragments: [FileFragment], state: DesiredState, names: [String: [String: Int]]
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        for position in fragments.indices {
            for declared in fragments[position].undecodedNames {
                let key = "\(declared.kind) \(declared.name)"
                var first = seen[key]
                if let index = names[declared.kind]?[declared.name] {
                    let origin: SourceLocation
                    switch declared.kind {
                    case "experiment": origin = state.experiments[index].origin
                    case "policy": origin = state.policies[index].origin
                    default: origin = state.trainings[index].origin
                    }
                    first = min(first ?? origin, origin)
                }
                guard let first else {
                    seen[key] = declared.location
                    continue
                }
                let (earlier, later) = first < declared.location ? (first, declared.location) : (declared.location, first)
                diagnostics.append(duplicate(declared.kind, declared.name, later, earlier))
            }
        }
        return diagnostics
    }

    /// A second definition of a name, naming both places.
    private static func duplicate(_ kind: String, _ name: String, _ origin: SourceLocation, _ first: SourceLocation) -> Diagnostic {
        Diagnostic(
            at: origin, resource: "\(kind) \(name)", field: "name",
            message: "\(kind) '\(name)' is defined twice: here and at \(first)",
            hint: "rename one of them or remove the duplicate")
    }

    /// A training that a policy version points at must register into that version's model
    /// and, when it names a policy, that policy; and it can feed only one policy version.
    private static func trainingConsistency(_ state: DesiredState, _ resolver: ReferenceResolver) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var usedBy: [String: String] = [:]
        for policy in state.policies {
            for version in policy.versions {
                guard case .training(let name) = version.model, let training = resolver.trainings[name] else { continue }
                let resource = "policy \(policy.name) version \(version.version)"
                if let other = usedBy[name] {
                    diagnostics.append(Diagnostic(
                        at: version.origin, resource: resource, field: "training",
                        message: "training '\(name)' already feeds \(other); a training registers one model version",
                        hint: "declare a separate training for this policy version"))
                } else {
                    usedBy[name] = "\(policy.name)@\(version.version)"
                }
                if training.modelName != version.mlflowModelName {
                    diagnostics.append(Diagnostic(
                        at: version.origin, resource: resource, field: "mlflow_model_name",
                        message: "mlflow_model_name '\(version.mlflowModelName)' differs from the model '\(training.modelName)' that training '\(name)' registers into (\(training.origin))",
                        hint: "make mlflow_model_name and the training's model_name the same"))
                }
                if let trainingPolicy = training.policy, trainingPolicy != policy.name {
                    diagnostics.append(Diagnostic(
                        at: version.origin, resource: resource, field: "training",
                        message: "training '\(name)' is declared for policy '\(trainingPolicy)' (\(training.origin)), not '\(policy.name)'",
                        hint: "point this version at a training of policy \(policy.name), or change the training's policy"))
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
                diagnostics.append(Diagnostic(
                    at: promotion.origin, resource: resource,
                    message: "\(promotion.target) of model '\(promotion.model)' is promoted twice (first at \(first))",
                    hint: "declare one stage per model version"))
                continue
            }
            declared[key] = promotion.origin
            if case .training(let name) = promotion.target, let training = resolver.trainings[name], training.modelName != promotion.model {
                diagnostics.append(Diagnostic(
                    at: promotion.origin, resource: resource, field: "training",
                    message: "training '\(name)' registers into model '\(training.modelName)', not '\(promotion.model)'",
                    hint: "set `model: \(training.modelName)` or name a training of model \(promotion.model)"))
            }
            guard promotion.stage == .production else { continue }
            if let first = production[promotion.model] {
                diagnostics.append(Diagnostic(
                    at: promotion.origin, resource: resource, field: "stage",
                    message: "model '\(promotion.model)' has two production promotions (first at \(first))",
                    hint: "at most one version of a model is in production: make the other one archived or candidate"))
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
            Diagnostic(at: reference.location, resource: reference.resource, field: reference.field, message: message, hint: hint)
        }
        switch reference.target {
        case .policyVersion(let target):
            guard declarations.policies.contains(target.policy) else {
                return problem(
                    "policy_version '\(target)' names no declared policy",
                    Suggestions.closest(to: target.policy, among: declarations.policies).map { "did you mean `\($0)@\(target.version)`?" }
                        ?? "declare policy '\(target.policy)' under `policies:`")
            }
            let versions = declarations.policyVersions[target.policy] ?? []
            guard versions.contains(target.version) else {
                let declared = versions.map { "\(target.policy)@\($0)" }.joined(separator: ", ")
                return problem(
                    "policy_version '\(target)' names no declared version of policy '\(target.policy)'",
                    declared.isEmpty ? "declare version \(target.version) under the policy's `versions:`" : "declared versions: \(declared)")
            }
        case .training(let name):
            guard !declarations.trainings.contains(name) else { return nil }
            return problem(
                "training '\(name)' is not declared",
                Suggestions.closest(to: name, among: declarations.trainings).map { "did you mean `\($0)`?" } ?? "declare it under `training:`")
        case .policy(let name):
            guard !declarations.policies.contains(name) else { return nil }
            return problem(
                "policy '\(name)' is not declared",
                Suggestions.closest(to: name, among: declarations.policies).map { "did you mean `\($0)`?" } ?? "declare it under `policies:`")
        case .model(let name):
            guard !declarations.models.contains(name) else { return nil }
            return problem(
                "model '\(name)' is not used by any policy version or training",
                Suggestions.closest(to: name, among: declarations.models).map { "did you mean `\($0)`?" }
                    ?? "promotions manage models that a policy version's mlflow_model_name or a training's model_name names")
        }
        return nil
    }
}
