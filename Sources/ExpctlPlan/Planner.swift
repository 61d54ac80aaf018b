public import ExpctlModel

/// Computes the plan that brings the actual state to the desired one: a pure function.
///
/// Desired and actual resources are paired by name; a desired resource with no actual one is
/// created, an actual one with no desired one is retired (never deleted: assignments and
/// events reference it), and a pair is compared field by field after normalisation, so that
/// applying a plan and planning again gives no changes.
public enum Planner {
    /// With `registry` (the MLflow model registry's state), policy versions are checked
    /// against registered model versions and promotions planned as stage tags and aliases;
    /// without it, only the database is planned.
    public static func plan(desired: DesiredState, actual: ActualState, registry: RegistryState? = nil, commit: String) -> Plan {
        var builder = PlanBuilder()
        PolicyPlanning.plan(desired.policies, actual.policies, into: &builder)
        ExperimentPlanning.plan(desired.experiments, actual.experiments, into: &builder)
        if let registry { RegistryPlanning.plan(desired, registry, into: &builder) }
        return Plan(commit: commit, actions: builder.ordered(), problems: builder.problems, coversRegistry: registry != nil)
    }
}

/// Collects actions and problems while planning.
struct PlanBuilder {
    private(set) var actions: [PlannedAction] = []
    private(set) var problems: [PlanProblem] = []
    private var creations: [ResourceAddress: String] = [:]

    mutating func add(_ action: PlannedAction) {
        if action.kind == .create { creations[action.address] = action.id }
        actions.append(action)
    }

    mutating func problem(_ problem: PlanProblem) { problems.append(problem) }

    /// The id of the create action for `address`, if this plan creates it.
    func creation(of address: ResourceAddress) -> String? { creations[address] }

    /// Actions in the order apply runs them: each after what it waits on (policies, their
    /// versions, experiments, variants), and by address within a kind of resource.
    func ordered() -> [PlannedAction] {
        func rank(_ address: ResourceAddress) -> Int {
            switch address {
            case .policy: 0
            case .policyVersion: 1
            case .experiment: 2
            case .variant: 3
            case .modelVersion: 4
            case .modelAlias: 5
            }
        }
        // Keys built once: an address's text is made anew on each access.
        return actions.map { (rank: rank($0.address), key: $0.address.description, action: $0) }
            .sorted { ($0.rank, $0.key) < ($1.rank, $1.key) }
            .map(\.action)
    }
}

/// Values as plans show and compare them.
enum PlanValues {
    static func text(_ value: String?) -> JSONValue? { value.map(JSONValue.string) }

    /// Whole shares (0, 1) as integers so they read as `0`, not `0.0`.
    static func allocation(_ value: Allocation) -> JSONValue {
        value.buckets % Allocation.bucketCount == 0 ? .integer(Int64(value.buckets / Allocation.bucketCount)) : .double(value.fraction)
    }

    static func timestamp(_ value: Timestamp?) -> JSONValue? { value.map { .string($0.truncatedToMicroseconds.description) } }

    static func object(_ value: [String: JSONValue]) -> JSONValue { .object(value) }

    /// A value only apply can know, e.g. the time of a retirement.
    static let knownAfterApply = JSONValue.string("(known after apply)")

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
