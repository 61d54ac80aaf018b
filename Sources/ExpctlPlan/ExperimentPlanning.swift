import ExpctlModel

/// Plans experiments and their variants.
///
/// Status moves follow `ExperimentLifecycle`; the unit type is fixed once units are assigned.
/// A variant that leaves git is retired (allocation 0); an experiment that leaves git is
/// completed and archived, its variants kept as they are. An archived experiment does not
/// come back under the same name.
enum ExperimentPlanning {
    static func plan(_ desired: [Experiment], _ actual: [String: ActualExperiment], into builder: inout PlanBuilder) {
        var declared: Set<String> = []
        for experiment in desired {
            declared.insert(experiment.name)
            if let existing = actual[experiment.name] {
                update(existing, to: experiment, into: &builder)
            } else {
                create(experiment, into: &builder)
            }
        }
        for (name, existing) in actual where !declared.contains(name) && existing.archivedAt == nil {
            var changes = [FieldChange(field: "archived_at", before: nil, after: PlanValues.knownAfterApply)]
            if existing.status != .completed {
                changes.insert(
                    FieldChange(
                        field: "status", before: .string(existing.status.rawValue), after: .string("completed")), at: 0)
            }
            builder.add(
                PlannedAction(
                    kind: .retire, address: .experiment(name), changes: changes,
                    reason: "removed from git: completed and archived, kept for its assignments and events"))
        }
    }

    private static func fields(of experiment: Experiment) -> [(String, JSONValue?)] {
        [
            ("description", PlanValues.text(PlanValues.description(experiment.description))),
            ("unit_type", .string(experiment.unitType.rawValue)),
            ("status", .string(experiment.status.rawValue)),
            ("starts_at", PlanValues.timestamp(experiment.startsAt)),
            ("ends_at", PlanValues.timestamp(experiment.endsAt)),
            ("baseline", .string(experiment.baseline)),
            ("salt", PlanValues.text(experiment.salt)),
            ("source_path", .string(experiment.origin.path)),
        ]
    }

    private static func fields(of experiment: ActualExperiment) -> [(String, JSONValue?)] {
        [
            ("description", PlanValues.text(PlanValues.description(experiment.description))),
            ("unit_type", .string(experiment.unitType.rawValue)),
            ("status", .string(experiment.status.rawValue)),
            ("starts_at", PlanValues.timestamp(experiment.startsAt)),
            ("ends_at", PlanValues.timestamp(experiment.endsAt)),
            ("baseline", PlanValues.text(experiment.baseline)),
            ("salt", PlanValues.text(experiment.salt)),
            ("source_path", PlanValues.text(experiment.provenance?.path)),
        ]
    }

    private static func create(_ experiment: Experiment, into builder: inout PlanBuilder) {
        let address = ResourceAddress.experiment(experiment.name)
        builder.add(
            PlannedAction(
                kind: .create, address: address,
                changes: PlanValues.changes(
                    fields(of: experiment).filter { $0.0 != "source_path" }.map { ($0.0, nil, $0.1) }),
                reason: "not in the database", source: experiment.origin))
        for (position, variant) in experiment.variants.enumerated() {
            builder.add(
                PlannedAction(
                    kind: .create, address: .variant(experiment: experiment.name, name: variant.name),
                    changes: PlanValues.changes(variantFields(variant, position: position).map { ($0.0, nil, $0.1) }),
                    reason: "not in the database", source: variant.origin,
                    after: ["create \(address)"] + policyVersionMaker(variant, builder)))
        }
    }

    private static func update(_ existing: ActualExperiment, to experiment: Experiment, into builder: inout PlanBuilder)
    {
        let address = ResourceAddress.experiment(experiment.name)
        if let archivedAt = existing.archivedAt {
            builder.problem(
                PlanProblem(
                    address: address,
                    message:
                        "experiment \(experiment.name) was completed and archived at \(archivedAt); an archived experiment does not come back",
                    hint: "give the experiment a new name", source: experiment.origin))
            return
        }
        if existing.unitType != experiment.unitType {
            builder.problem(
                PlanProblem(
                    address: address,
                    message:
                        "experiment \(experiment.name) cannot change its unit_type from \(existing.unitType.rawValue) to \(experiment.unitType.rawValue): units are already assigned by \(existing.unitType.rawValue)",
                    hint: "keep unit_type \(existing.unitType.rawValue), or start a new experiment under a new name",
                    source: experiment.origin))
        }
        let saltFrozen = existing.salt != experiment.salt && existing.status != .draft
        if saltFrozen {
            builder.problem(
                PlanProblem(
                    address: address,
                    message: "experiment \(experiment.name) cannot change its salt once it has left draft: units "
                        + "assigned from now on would hash into other buckets than the \(existing.status.rawValue) "
                        + "experiment's assigners use",
                    hint: existing.salt.map { "keep `salt: \($0)`" }
                        ?? "remove `salt`: it hashes with the experiment's name",
                    source: experiment.origin))
        }
        let legalMove = ExperimentLifecycle.canMove(from: existing.status, to: experiment.status)
        if !legalMove {
            let moves = ExperimentLifecycle.moves(from: existing.status).map(\.rawValue)
            builder.problem(
                PlanProblem(
                    address: address,
                    message:
                        "experiment \(experiment.name) cannot move from \(existing.status.rawValue) to \(experiment.status.rawValue)",
                    hint: moves.isEmpty
                        ? "a completed experiment stays completed; start a new experiment under a new name"
                        : "from \(existing.status.rawValue) it can move to \(moves.joined(separator: " or ")) (draft → running ⇄ paused → completed)",
                    source: experiment.origin))
        }
        let changes = PlanValues.changes(
            zip(fields(of: existing), fields(of: experiment)).map { ($0.0.0, $0.0.1, $0.1.1) }
        )
        .filter {
            $0.field != "unit_type" && ($0.field != "status" || legalMove) && ($0.field != "salt" || !saltFrozen)
        }
        if !changes.isEmpty {
            builder.add(
                PlannedAction(
                    kind: .update, address: address, changes: changes, reason: "changed in git",
                    source: experiment.origin))
        }
        planVariants(existing, experiment, into: &builder)
    }

    private static func planVariants(
        _ existing: ActualExperiment, _ experiment: Experiment, into builder: inout PlanBuilder
    ) {
        var declared: Set<String> = []
        var shares: [VariantShare] = []
        for (position, variant) in experiment.variants.enumerated() {
            declared.insert(variant.name)
            let address = ResourceAddress.variant(experiment: experiment.name, name: variant.name)
            guard let current = existing.variants[variant.name] else {
                let create = PlannedAction(
                    kind: .create, address: address,
                    changes: PlanValues.changes(variantFields(variant, position: position).map { ($0.0, nil, $0.1) }),
                    reason: "not in the database", source: variant.origin, after: policyVersionMaker(variant, builder))
                builder.add(create)
                shares.append(VariantShare(current: 0, next: variant.allocation.buckets, action: create.id))
                continue
            }
            var changes = PlanValues.changes(
                zip(variantFields(current), variantFields(variant, position: position)).map { ($0.0.0, $0.0.1, $0.1.1) }
            )
            var reason = "changed in git"
            if current.retiredAt != nil {
                changes.append(
                    FieldChange(field: "retired_at", before: PlanValues.timestamp(current.retiredAt), after: nil))
                reason = "back in git after its retirement"
            }
            var share = VariantShare(current: current.allocation.buckets, next: variant.allocation.buckets, action: nil)
            if !changes.isEmpty {
                // A move to a policy version this plan writes waits for it; other changes need nothing.
                let moves = changes.contains { $0.field == "policy_version" }
                let update = PlannedAction(
                    kind: .update, address: address, changes: changes, reason: reason, source: variant.origin,
                    after: moves ? policyVersionMaker(variant, builder) : [])
                builder.add(update)
                share.action = update.id
            }
            shares.append(share)
        }
        for (name, current) in existing.variants where !declared.contains(name) {
            guard current.retiredAt == nil else { continue }
            let retire = PlannedAction(
                kind: .retire, address: .variant(experiment: experiment.name, name: name),
                changes: [
                    FieldChange(
                        field: "allocation", before: PlanValues.allocation(current.allocation),
                        after: PlanValues.allocation(Allocation(buckets: 0))),
                    FieldChange(field: "retired_at", before: nil, after: PlanValues.knownAfterApply),
                ],
                reason: "removed from git: allocation 0, kept for its assignments")
            builder.add(retire)
            shares.append(VariantShare(current: current.allocation.buckets, next: 0, action: retire.id))
        }
        builder.allocations(shares)
    }

    /// `position` is the variant's place in git's list: assignment walks variants in that
    /// order, summing allocations.
    private static func variantFields(_ variant: Variant, position: Int) -> [(String, JSONValue?)] {
        [
            ("allocation", PlanValues.allocation(variant.allocation)),
            ("policy_version", .string(variant.policyVersion.description)),
            ("params", PlanValues.object(variant.params)),
            ("position", .integer(Int64(position))),
        ]
    }

    private static func variantFields(_ variant: ActualVariant) -> [(String, JSONValue?)] {
        [
            ("allocation", PlanValues.allocation(variant.allocation)),
            ("policy_version", PlanValues.text(variant.policyVersion?.description)),
            ("params", PlanValues.object(variant.params)),
            ("position", variant.position.map { .integer(Int64($0)) }),
        ]
    }

    /// A variant on a policy version that this plan writes (or fills in) comes after it, and
    /// waits as long as it waits: no variant serves a model that does not exist.
    private static func policyVersionMaker(_ variant: Variant, _ builder: PlanBuilder) -> [String] {
        builder.maker(of: .policyVersion(variant.policyVersion)).map { [$0] } ?? []
    }
}
