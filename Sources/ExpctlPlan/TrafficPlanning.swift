import ExpctlModel

/// What the gates ask of the variants' traffic, applied to the variant actions planned:
///
/// - **The cap**: a variant that serves a model version not in production gets at most the gate
///   profile's `max_initial_allocation`. A new variant above it is blocked with the cap as
///   evidence; raising a live one above it needs its online gate's pass; a raise that goes with
///   the promotion of its version to production in the same plan comes after that promotion.
///   With the registry not read, whether a version is in production is not known, and the cap
///   is not applied (as model versions are not checked).
/// - **The baseline's retirement** (its allocation to 0) comes after the production promotions of
///   the versions the experiment's other variants serve: the baseline keeps its traffic until
///   the model replacing it is in production.
/// - **Stickiness**: an allocation change says how many assigned units would land in another
///   variant if assignment were not sticky, and that they stay where they are.
enum TrafficPlanning {
    static func plan(
        _ desired: DesiredState, _ observed: ObservedState, _ served: ServedModels,
        _ online: OnlineGatePlanning.Results,
        into builder: inout PlanBuilder
    ) {
        for experiment in desired.experiments {
            let actual = observed.database.experiments[experiment.name]
            let cap = desired.gates(profile: experiment.gateProfile).online.maxInitialAllocation
            for variant in experiment.variants {
                guard let id = variantAction(experiment, variant.name, builder) else { continue }
                let live = actual?.variants[variant.name]
                let current = live.map { $0.retiredAt == nil ? $0.allocation : Allocation(buckets: 0) }
                // A variant moved to another model version is that version's first traffic, raised or not.
                let liveModel = served.model(of: live?.policyVersion)
                let swapsModel = live != nil && liveModel != served.model(of: variant.policyVersion)
                guard variant.allocation.buckets > cap.buckets,
                    variant.allocation.buckets > (current?.buckets ?? 0) || swapsModel
                else { continue }
                capped(
                    id, experiment, variant, cap: cap, served, online, promoted(variant, desired),
                    judged: swapsModel ? nil : liveModel, into: &builder)
            }
            if let actual {
                retireBaselineLast(experiment, actual, served, into: &builder)
                notMoved(experiment, observed.gates.assigned[experiment.name] ?? [], into: &builder)
            }
        }
    }

    /// The id of the action of this plan that creates or updates the variant, if any.
    private static func variantAction(_ experiment: Experiment, _ name: String, _ builder: PlanBuilder) -> String? {
        let address = ResourceAddress.variant(experiment: experiment.name, name: name)
        return ActionKind.allCases.map { PlannedAction.id($0, address) }.first(where: builder.hasAction)
    }

    /// Whether git promotes to production the version the training behind the variant's policy
    /// version registers: until it has, the variant waits on it, and the cap is judged then.
    private static func promoted(_ variant: Variant, _ desired: DesiredState) -> Bool {
        let version = desired.policies.first { $0.name == variant.policyVersion.policy }?.versions
            .first { $0.version == variant.policyVersion.version }
        guard case .training(let training)? = version?.model else { return false }
        return desired.promotions.contains { promotion in
            promotion.stage == .production && promotion.target == .training(training)
        }
    }

    private static func capped(
        _ id: String, _ experiment: Experiment, _ variant: Variant, cap: Allocation, _ served: ServedModels,
        _ online: OnlineGatePlanning.Results, _ promotedLater: Bool, judged: ModelVersionRef?,
        into builder: inout PlanBuilder
    ) {
        // Without the registry, whether any version is in production is not known.
        guard served.registryWasRead else { return }
        let model = served.model(of: variant.policyVersion)
        if model == nil, promotedLater { return }
        if let model {
            guard served.isProduction(model) == false else { return }
            if let promotion = builder.productionPromotion(of: model) {
                builder.modify(id) { $0.after.append(promotion) }
                return
            }
        }
        let subject = "\(experiment.name)/\(variant.name)"
        let gate: Readiness
        // The variant's online verdict counts only for the model it was judged on.
        if let verdict = online.variants[subject], judged != nil, judged == model {
            gate = verdict.readiness
        } else {
            gate = .blocked(reason: overCap(experiment, variant, model, cap: cap))
        }
        builder.modify(id) { $0.readiness = Readiness.combined([$0.readiness, gate]) }
    }

    private static func overCap(
        _ experiment: Experiment, _ variant: Variant, _ model: ModelVersionRef?, cap: Allocation
    ) -> BlockReason {
        let what =
            model.map { "\($0.subject), which is not in production" }
            ?? "a model version not registered yet (so not in production)"
        let profile = experiment.gateProfile ?? GateProfile.defaultName
        let evidence = Evidence(
            state: "capped", waitsFor: "the online gate to pass",
            figures: [
                Figure(name: "allocation", value: variant.allocation.fraction),
                Figure(name: "max_initial_allocation", value: cap.fraction),
            ],
            detail: "a model version not in production starts at most at \(GateNumbers.percent(of: cap.fraction))")
        return BlockReason(
            kind: .trafficCap,
            message:
                "variant \(variant.name) of \(experiment.name) would give "
                + "\(GateNumbers.percent(of: variant.allocation.fraction)) "
                + "of traffic to \(what): above the cap of \(GateNumbers.percent(of: cap.fraction)) "
                + "(max_initial_allocation of gate profile '\(profile)')",
            hint: "start it at \(GateNumbers.percent(of: cap.fraction)) or less; raise it once its online gate passes, "
                + "or once the version is promoted to production",
            dependency: .gate(
                GateDependency(kind: .online, subject: "\(experiment.name)/\(variant.name)", evidence: evidence)))
    }

    /// The baseline's retirement waits for the production promotions of the versions its
    /// siblings serve.
    private static func retireBaselineLast(
        _ experiment: Experiment, _ actual: ActualExperiment, _ served: ServedModels, into builder: inout PlanBuilder
    ) {
        guard let id = variantAction(experiment, experiment.baseline, builder),
            let current = actual.variants[experiment.baseline],
            current.allocation.buckets > 0,
            (experiment.variants.first { $0.name == experiment.baseline }?.allocation.buckets ?? 0) == 0
        else { return }
        let promotions = experiment.variants.filter { $0.name != experiment.baseline }.compactMap { variant in
            served.model(of: variant.policyVersion).flatMap(builder.productionPromotion)
        }
        guard !promotions.isEmpty else { return }
        builder.modify(id) { action in
            action.after += promotions.filter { !action.after.contains($0) }
            action.reason += "; after the production promotion it makes way for"
        }
    }

    /// Each allocation change says how many assigned units stickiness keeps in their variant.
    private static func notMoved(_ experiment: Experiment, _ assigned: [AssignedUnits], into builder: inout PlanBuilder)
    {
        guard !assigned.isEmpty else { return }
        let allocations = experiment.variants.map { (name: $0.name, allocation: $0.allocation) }
        let moved = Assignment.unitsThatWouldMove(
            assigned: assigned.map { (bucket: $0.bucket, variant: $0.variant, units: $0.units) },
            allocations: allocations)
        let total = assigned.reduce(0) { $0 + $1.units }
        let note =
            moved == 0
            ? "; no assigned unit would change variant"
            : "; \(NumberText.grouped(moved)) of \(NumberText.grouped(total)) assigned units would land "
                + "in another variant "
                + "if assignment were not sticky: stickiness keeps each in the variant it has"
        for variant in experiment.variants.map(\.name) + assigned.map(\.variant) {
            guard let id = variantAction(experiment, variant, builder), builder.action(id)?.change("allocation") != nil,
                builder.action(id)?.reason.hasSuffix(note) == false
            else { continue }
            builder.modify(id) { $0.reason += note }
        }
    }
}
