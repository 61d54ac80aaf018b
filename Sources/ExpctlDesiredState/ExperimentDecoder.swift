import ExpctlModel
import ExpctlYAML

/// Decodes and checks one entry of `experiments`, including everything about its variants
/// that the file shows by itself (names, allocations, baseline, dates).
enum ExperimentDecoder {
    static let fields = [
        "name", "description", "unit_type", "status", "starts_at", "ends_at", "baseline", "variants", "salt", "gates",
    ]
    static let variantFields = ["name", "description", "allocation", "policy_version", "params"]

    static func decode(_ node: YAMLNode, index: Int, context: DecodeContext) -> Experiment? {
        let scope = Scope(resource: Scope.resourceLabel("experiment", node, index: index))
        guard let reader = MappingReader(node, allowed: fields, context: context, scope: scope, what: "an experiment")
        else { return nil }
        let name = reader.name("name")
        let description = reader.string("description", required: false)
        let unitType = reader.enumeration("unit_type", UnitType.self, required: true)
        let status = reader.enumeration("status", ExperimentStatus.self)
        let startsAt = reader.timestamp("starts_at")
        let endsAt = reader.timestamp("ends_at")
        if let startsAt, let endsAt, endsAt <= startsAt {
            context.error(
                at: reader.mark(of: "ends_at"), scope, field: "ends_at",
                "ends_at \(endsAt) is not after starts_at \(startsAt)",
                hint: "set ends_at later than starts_at, or remove it")
        }
        let salt = reader.string("salt", required: false)
        if let salt, salt.isEmpty || salt.utf8.count > 200 {
            context.error(
                at: reader.mark(of: "salt"), scope, field: "salt", "salt must be 1 to 200 bytes",
                hint: "leave it out to hash units with the experiment's name")
        }
        let gateProfile = reader.gateProfile(scope)
        let variants = decodeVariants(reader, context: context, scope: scope)
        let baseline = checkedBaseline(reader, variants: variants, context: context, scope: scope)

        guard let name, let unitType, let variants, let baseline,
            salt.map({ !$0.isEmpty && $0.utf8.count <= 200 }) ?? true
        else { return nil }
        return Experiment(
            name: name, description: description, unitType: unitType, status: status ?? .draft,
            startsAt: startsAt, endsAt: endsAt, baseline: baseline, variants: variants, salt: salt,
            gateProfile: gateProfile, origin: context.location(reader.mark(of: "name")))
    }

    /// The variants, or nil when any is invalid; checks names, allocations and their sum.
    private static func decodeVariants(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> [Variant]? {
        guard let items = reader.sequence("variants") else {
            if reader.optional("variants") == nil {
                context.error(
                    at: reader.mark(of: "variants"), scope, field: "variants", "experiment has no variants",
                    hint: "add at least one variant under `variants:`, e.g. a control")
            }
            return nil
        }
        guard !items.isEmpty else {
            context.error(
                at: reader.mark(of: "variants"), scope, field: "variants", "experiment has no variants",
                hint: "add at least one variant under `variants:`, e.g. a control")
            return nil
        }
        let unique = UniqueListDecoding<Variant, String>(
            field: "variants", keyField: "name", key: \.name,
            repeated: { "variant '\($0)' is repeated in this experiment (first at line \($1))" },
            hint: "give each variant a unique name")
        var (variants, allValid) = unique.decode(items, context: context, scope: scope) {
            decodeVariant($0, context: context, scope: $1)
        }
        let total = variants.reduce(0) { $0 + $1.allocation.buckets }
        if total > Allocation.bucketCount {
            context.error(
                at: reader.mark(of: "variants"), scope, field: "variants",
                "variant allocations sum to \(Allocation(buckets: total)) (\(total) of \(Allocation.bucketCount) buckets), more than 1",
                hint: "lower the allocations so that they sum to at most 1")
            allValid = false
        }
        return allValid ? variants : nil
    }

    private static func decodeVariant(_ node: YAMLNode, context: DecodeContext, scope: Scope) -> Variant? {
        guard
            let reader = MappingReader(node, allowed: variantFields, context: context, scope: scope, what: "a variant")
        else { return nil }
        let name = reader.name("name")
        _ = reader.string("description", required: false)
        let allocation = reader.allocation("allocation")
        let policyVersion = reader.policyVersionReference("policy_version")
        let params = reader.jsonObject("params")
        guard let name, let allocation, let policyVersion else { return nil }
        return Variant(
            name: name, allocation: allocation, policyVersion: policyVersion, params: params ?? [:],
            origin: context.location(node.mark))
    }

    private static func checkedBaseline(
        _ reader: MappingReader, variants: [Variant]?, context: DecodeContext, scope: Scope
    ) -> String? {
        guard let baseline = reader.string("baseline", required: false) else { return variants?.first?.name }
        guard let variants else { return nil }
        guard variants.contains(where: { $0.name == baseline }) else {
            let names = variants.map(\.name)
            context.error(
                at: reader.mark(of: "baseline"), scope, field: "baseline",
                "baseline '\(baseline)' names no variant of this experiment",
                hint: Suggestions.hint(for: baseline, among: names, noun: "its variants"))
            return nil
        }
        return baseline
    }
}
