public import ExpctlModel

/// Merges per-file fragments into one desired state and checks what only the whole tree
/// shows: names defined twice, references to undeclared resources, trainings and policy
/// versions that disagree on their model, and conflicting promotions.
public enum CrossFileValidator {
    public static func merge(_ fragments: [FileFragment]) -> (state: DesiredState, diagnostics: [Diagnostic]) {
        var state = DesiredState()
        var diagnostics: [Diagnostic] = []
        var gatesOrigin: SourceLocation?
        var experimentsSeen: [String: SourceLocation] = [:]
        var policiesSeen: [String: SourceLocation] = [:]
        var trainingsSeen: [String: SourceLocation] = [:]
        var declarations = Declarations()
        // Fragments are read in place (by index): copying each whole fragment costs more than
        // the checks themselves on trees of thousands of files.
        for position in fragments.indices {
            let fragment = fragments[position]
            if !fragment.diagnostics.isEmpty { diagnostics += fragment.diagnostics }
            if !fragment.declarations.isEmpty { declarations.merge(fragment.declarations) }
            for experiment in fragment.experiments
            where unique(experiment.name, "experiment", experiment.origin, &experimentsSeen, &diagnostics) {
                state.experiments.append(experiment)
            }
            for policy in fragment.policies where unique(policy.name, "policy", policy.origin, &policiesSeen, &diagnostics) {
                state.policies.append(policy)
            }
            for training in fragment.trainings
            where unique(training.name, "training", training.origin, &trainingsSeen, &diagnostics) {
                state.trainings.append(training)
            }
            state.promotions += fragment.promotions
            if let gates = fragment.gates, let origin = gates.origin {
                if let first = gatesOrigin {
                    diagnostics.append(Diagnostic(
                        at: origin, resource: "gates", message: "gates are declared more than once (first at \(first))",
                        hint: "keep a single `gates:` mapping in the whole tree"))
                } else {
                    gatesOrigin = origin
                    state.gates = gates
                }
            }
        }
        let index = Index(state, declarations)
        // Thousands of files point at the same few targets: resolve each target once.
        var resolved: Set<Reference.Target> = []
        for position in fragments.indices {
            for reference in fragments[position].references where !resolved.contains(reference.target) {
                if let diagnostic = index.resolve(reference) {
                    diagnostics.append(diagnostic)
                } else {
                    resolved.insert(reference.target)
                }
            }
        }
        diagnostics += trainingConsistency(state, index)
        diagnostics += promotionConflicts(state, index)
        return (state, diagnostics)
    }

    /// Records the first definition of a name; a later one is a diagnostic naming both places.
    private static func unique(
        _ name: String, _ kind: String, _ origin: SourceLocation, _ seen: inout [String: SourceLocation],
        _ diagnostics: inout [Diagnostic]
    ) -> Bool {
        if let first = seen[name] {
            diagnostics.append(Diagnostic(
                at: origin, resource: "\(kind) \(name)", field: "name",
                message: "\(kind) '\(name)' is defined twice: here and at \(first)",
                hint: "rename one of them or remove the duplicate"))
            return false
        }
        seen[name] = origin
        return true
    }

    /// A training that a policy version points at must register into that version's model
    /// and, when it names a policy, that policy; and it can feed only one policy version.
    private static func trainingConsistency(_ state: DesiredState, _ index: Index) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var usedBy: [String: String] = [:]
        for policy in state.policies {
            for version in policy.versions {
                guard case .training(let name) = version.model, let training = index.trainings[name] else { continue }
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
    private static func promotionConflicts(_ state: DesiredState, _ index: Index) -> [Diagnostic] {
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
            if case .training(let name) = promotion.target, let training = index.trainings[name], training.modelName != promotion.model {
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
struct Index {
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
