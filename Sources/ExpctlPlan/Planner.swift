public import ExpctlModel

/// Computes the plan that brings the observed state to the desired one: a pure function.
///
/// Desired and observed resources are paired by name; a desired resource with no observed one
/// is created, an observed one with no desired one is retired (never deleted: assignments and
/// events reference it), and a pair is compared field by field after normalisation, so that
/// applying a plan and planning again gives no changes. Each action says whether it is ready,
/// waits on a job or gate (with the evidence), or is blocked, and inherits that from the
/// actions it needs.
public enum Planner {
    public static func plan(desired: DesiredState, observed: ObservedState, commit: String) -> Plan {
        var builder = PlanBuilder()
        let jobs = JobPlanning.plan(desired, observed, into: &builder)
        let evaluations = JobPlanning.planEvaluations(desired, observed, jobs, into: &builder)
        let offline = GatePlanning.offline(desired, observed, jobs, evaluations)
        builder.keep(offline.reports)
        PolicyPlanning.plan(desired.policies, observed, jobs, offline, into: &builder)
        ExperimentPlanning.plan(desired.experiments, observed.database.experiments, into: &builder)
        let served = ServedModels(desired, observed, jobs)
        let online = OnlineGatePlanning.judge(desired, observed, served)
        builder.keep(online.reports)
        if case .read(let registry) = observed.registry {
            let gates = RegistryGates(
                lifecycle: LifecycleGates(offline: offline.subjects, online: online.models),
                offlineReports: Dictionary(
                    offline.reports.map { ($0.subject, $0) }, uniquingKeysWith: { _, last in last }))
            RegistryPlanning.plan(desired, registry, jobs, gates, into: &builder)
        }
        // Last: a raise above the cap may follow a promotion, a baseline's retirement does.
        TrafficPlanning.plan(desired, observed, served, online, into: &builder)
        let actions = builder.ordered()
        let gates = GatePlanning.shown(builder.gateReports, actions, observed.gates.decisions)
        return Plan(
            commit: commit, actions: actions, problems: builder.problems, registry: observed.registry.coverage,
            gates: gates.reports, newGateDecisions: gates.newDecisions)
    }
}

/// Collects actions and problems while planning.
struct PlanBuilder {
    private(set) var actions: [PlannedAction] = []
    private(set) var problems: [PlanProblem] = []
    /// The id of the action that makes each address exist (a create, or the update that
    /// fills in a trained policy version's model).
    private var makers: [ResourceAddress: String] = [:]
    /// Each existing experiment's variants and the shares the plan moves them to.
    private var allocationGroups: [[VariantShare]] = []
    private(set) var gateReports: [GateReport] = []
    /// Where each action is in `actions`, by id: the lookups below run once per variant and
    /// model version, and a scan of every action each time made planning quadratic.
    private var positions: [String: Int] = [:]

    mutating func add(_ action: PlannedAction) {
        if action.kind == .create || (action.kind == .update && action.address.isPolicyVersion) {
            makers[action.address] = action.id
        }
        positions[action.id] = positions[action.id] ?? actions.count
        actions.append(action)
    }

    mutating func problem(_ problem: PlanProblem) { problems.append(problem) }

    /// Keeps gate reports for the plan.
    mutating func keep(_ reports: [GateReport]) { gateReports += reports }

    /// Whether this plan has an action of id `id`.
    func hasAction(_ id: String) -> Bool { positions[id] != nil }

    /// The id of this plan's promotion of `model` to production, if it has one.
    func productionPromotion(of model: ModelVersionRef) -> String? {
        let id = PlannedAction.id(.update, .modelVersion(model: model.model, version: model.version))
        guard case .string(ModelStage.production.rawValue)? = action(id)?.after(RegistryTags.stage) else { return nil }
        return id
    }

    /// The action of id `id`, if the plan has it.
    func action(_ id: String) -> PlannedAction? { positions[id].map { actions[$0] } }

    /// Changes the action of id `id` (its readiness, what it comes after, its reason).
    mutating func modify(_ id: String, _ body: (inout PlannedAction) -> Void) {
        guard let index = positions[id] else { return }
        body(&actions[index])
        precondition(actions[index].id == id, "modify(_:) must not change an action's kind or address")
    }

    /// The id of the action of this plan that makes `address` exist, if any.
    func maker(of address: ResourceAddress) -> String? { makers[address] }

    /// Records an experiment's variants, for `holdingRaises`.
    mutating func allocations(_ shares: [VariantShare]) { allocationGroups.append(shares) }

    /// Actions in the order apply runs them (jobs, policies, their versions, experiments,
    /// variants, model versions, aliases; by address within a kind), each with its
    /// readiness resolved: an action needing a blocked one is blocked, one needing a waiting
    /// one waits on what that one waits on.
    func ordered() -> [PlannedAction] {
        func rank(_ address: ResourceAddress) -> Int {
            switch address {
            case .job: 0
            case .policy: 1
            case .policyVersion: 2
            case .experiment: 3
            case .variant: 4
            case .modelVersion: 5
            case .modelVersionTags: 6
            case .modelAlias: 7
            }
        }
        // Keys built once: an address's text is made anew on each access.
        var sorted = actions.map {
            (rank: rank($0.address), key: $0.address.description, kind: kindOrder($0.kind), action: $0)
        }
        .sorted { ($0.rank, $0.key, $0.kind) < ($1.rank, $1.key, $1.kind) }
        .map(\.action)
        // Only what waits or is blocked passes anything on; most plans have none of it.
        guard sorted.contains(where: { !$0.readiness.isReady }) else { return sorted }
        // Plan order puts most actions after the ones they need, so one pass resolves most chains;
        // a registry action may follow one sorted after it (an archival after the promotion that
        // replaces it), so passes repeat until nothing changes.
        let own = sorted.map(\.readiness)
        var unready: [String: Readiness] = [:]
        var changed = true
        var passes = 0
        while changed, passes <= sorted.count {
            changed = false
            passes += 1
            for index in sorted.indices {
                let action = sorted[index]
                if !action.after.isEmpty, action.after.contains(where: { unready[$0] != nil }) {
                    let inherited = Self.inherit(own[index], from: action.after.map { ($0, unready[$0] ?? .ready) })
                    if inherited != sorted[index].readiness {
                        sorted[index].readiness = inherited
                        changed = true
                    }
                }
                // A readiness new to the map may be needed by an action already passed (one that
                // comes after an action sorted later): that calls for another pass.
                if !sorted[index].readiness.isReady, unready[action.id] != sorted[index].readiness {
                    unready[action.id] = sorted[index].readiness
                    changed = true
                }
            }
        }
        return holdingRaises(sorted)
    }

    /// Ready allocation raises held back while a sibling's lowering waits or is blocked, where
    /// applying them alone would give the experiment more than 1 (a variant moving to a waiting
    /// policy version keeps its old share until it moves); and ready lowerings held back while a
    /// sibling's raise waits or is blocked (the room they make is for it). Held actions inherit
    /// the siblings' readiness; what is left never sums to more than the experiment had.
    private func holdingRaises(_ actions: [PlannedAction]) -> [PlannedAction] {
        var result = actions
        var index: [String: Int] = [:]
        for (position, action) in result.enumerated() { index[action.id] = position }
        func readiness(_ share: VariantShare) -> Readiness? {
            share.action.flatMap { index[$0] }.map { result[$0].readiness }
        }
        func unready(_ shares: [VariantShare], raises: Bool) -> [(id: String, readiness: Readiness)] {
            shares.compactMap { share in
                guard !raises || share.next > share.current, let id = share.action, let state = readiness(share),
                    !state.isReady
                else { return nil }
                return (id, state)
            }
        }
        func hold(_ share: VariantShare, with siblings: [(id: String, readiness: Readiness)]) -> Bool {
            guard let id = share.action, let position = index[id], result[position].readiness.isReady else {
                return false
            }
            result[position].readiness = Self.inherit(.ready, from: siblings)
            return true
        }
        // Each hold can call for another (a held lowering leaves less room for a raise), so the
        // rules repeat until nothing more is held.
        for shares in allocationGroups {
            var changed = true
            while changed {
                changed = false
                let waiting = unready(shares, raises: false)
                guard !waiting.isEmpty else { break }
                // Lowerings that make room for raises that wait go with them: applied alone they
                // would leave units of the experiment with no variant.
                let waitingRaises = unready(shares, raises: true)
                if !waitingRaises.isEmpty {
                    for share in shares where share.next < share.current && hold(share, with: waitingRaises) {
                        changed = true
                    }
                }
                var total = shares.reduce(0) { $0 + (readiness($1)?.isReady ?? true ? $1.next : $1.current) }
                for share in shares where total > Allocation.bucketCount && share.next > share.current {
                    guard hold(share, with: unready(shares, raises: false)) else { continue }
                    total -= share.next - share.current
                    changed = true
                }
            }
        }
        return result
    }

    private func kindOrder(_ kind: ActionKind) -> Int {
        switch kind {
        case .create: 0
        case .retire: 1
        case .update: 2
        }
    }

    /// An action's own readiness combined with that of the actions it needs.
    static func inherit(_ own: Readiness, from needed: [(id: String, readiness: Readiness)]) -> Readiness {
        if case .blocked = own { return own }
        for (id, readiness) in needed {
            if case .blocked(var reason) = readiness {
                if reason.via == nil { reason.via = id }
                return .blocked(reason: reason)
            }
        }
        var waits: [Dependency] = []
        if case .waiting(let dependencies) = own { waits = dependencies }
        for (id, readiness) in needed {
            guard case .waiting(let dependencies) = readiness else { continue }
            for dependency in [.action(id)] + dependencies where !waits.contains(dependency) {
                waits.append(dependency)
            }
        }
        return waits.isEmpty ? .ready : .waiting(on: waits)
    }
}

/// A variant's share now and after the plan, in buckets, and the action that changes it.
struct VariantShare {
    var current: Int
    var next: Int
    var action: String?
}

extension ResourceAddress {
    var isPolicyVersion: Bool { if case .policyVersion = self { true } else { false } }
}

/// Values as plans show and compare them.
enum PlanValues {
    static func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }

    /// Whole shares (0, 1) as integers so they read as `0`, not `0.0`.
    static func allocation(_ value: Allocation) -> JSONValue {
        value.buckets % Allocation.bucketCount == 0
            ? .integer(Int64(value.buckets / Allocation.bucketCount)) : .double(value.fraction)
    }

    static func timestamp(_ value: Timestamp?) -> JSONValue? {
        value.map { .string($0.truncatedToMicroseconds.description) }
    }

    static func object(_ value: [String: JSONValue]) -> JSONValue { .object(value) }

    /// A value only apply can know, e.g. the time of a retirement.
    static let knownAfterApply = JSONValue.string("(known after apply)")

    /// A value a job will produce, e.g. the model version a training registers.
    static func knownAfterJob(_ job: JobKey) -> JSONValue { .string("(known after job \(job))") }

    /// Blank descriptions are no description.
    static func description(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// The changes between two sets of named values, fields in the order given.
    static func changes(_ fields: [(String, JSONValue?, JSONValue?)]) -> [FieldChange] {
        fields.compactMap { field, before, after in
            before == after ? nil : FieldChange(field: field, before: before, after: after)
        }
    }
}
