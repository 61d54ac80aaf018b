import ExpctlModel
import ExpctlYAML

/// Decodes and checks `gates`; absent fields keep their defaults.
enum GatesDecoder {
    static let fields = ["offline", "online"]
    static let offlineFields = ["min_score_delta", "min_constraint_respect", "alpha", "weights"]
    static let onlineFields = ["max_initial_allocation", "min_units_per_variant", "alpha", "metrics"]
    static let metricFields = ["name", "direction", "max_regression"]
    /// Weights must sum to 1 within this tolerance (decimal weights are not exact in binary).
    static let weightTolerance = 1e-9

    static func decode(_ node: YAMLNode, context: DecodeContext) -> Gates? {
        let scope = Scope(resource: "gates")
        guard let reader = MappingReader(node, allowed: fields, context: context, scope: scope, what: "gates") else {
            return nil
        }
        let errorsBefore = context.diagnostics.count
        var gates = Gates(origin: context.location(node.mark))
        if let offline = reader.optional("offline") {
            decodeOffline(offline, into: &gates.offline, context: context, scope: scope.nested("offline"))
        }
        if let online = reader.optional("online") {
            decodeOnline(online, into: &gates.online, context: context, scope: scope.nested("online"))
        }
        return context.diagnostics.count == errorsBefore ? gates : nil
    }

    private static func decodeOffline(_ node: YAMLNode, into gates: inout OfflineGates, context: DecodeContext, scope: Scope) {
        guard let reader = MappingReader(node, allowed: offlineFields, context: context, scope: scope, what: "offline gates")
        else { return }
        if let value = reader.number("min_score_delta", required: false) { gates.minScoreDelta = value }
        if let value = fraction(reader, "min_constraint_respect", context: context, scope: scope) {
            gates.minConstraintRespect = value
        }
        if let value = significance(reader, context: context, scope: scope) { gates.alpha = value }
        guard let weightsNode = reader.optional("weights") else { return }
        let weightsScope = scope.nested("weights")
        guard let weights = MappingReader(
            weightsNode, allowed: nil, context: context, scope: weightsScope, what: "weights (metric name to weight)")
        else { return }
        var result: [String: Double] = [:]
        var sum = 0.0  // in the order written, so the message is the same on every run
        var valid = true
        for entry in weights.entries {
            let metric = entry.key.scalarText
            guard ResourceName.isValid(metric) else {
                context.error(at: entry.key.mark, weightsScope, field: metric, "invalid metric name '\(metric)'", hint: "metric names match \(ResourceName.pattern)")
                valid = false
                continue
            }
            guard let weight = weights.number(of: entry.value, field: metric) else {
                valid = false
                continue
            }
            guard weight >= 0 else {
                context.error(at: entry.value.mark, weightsScope, field: metric, "weight of \(metric) is negative", hint: "weights are shares of the combined score, 0 or more")
                valid = false
                continue
            }
            result[metric] = weight
            sum += weight
        }
        guard valid else { return }
        guard abs(sum - 1) <= weightTolerance else {
            let shown = (sum * 1e9).rounded() / 1e9  // 0.7800000000000001 reads as 0.78
            context.error(
                at: weightsNode.mark, scope, field: "weights", "weights sum to \(shown), not 1",
                hint: "adjust the weights so that they add up to exactly 1")
            return
        }
        gates.weights = result
    }

    private static func decodeOnline(_ node: YAMLNode, into gates: inout OnlineGates, context: DecodeContext, scope: Scope) {
        guard let reader = MappingReader(node, allowed: onlineFields, context: context, scope: scope, what: "online gates")
        else { return }
        if reader.optional("max_initial_allocation") != nil,
            let value = reader.allocation("max_initial_allocation", required: false)
        {
            gates.maxInitialAllocation = value
        }
        if reader.optional("min_units_per_variant") != nil,
            let value = reader.positiveInteger("min_units_per_variant", required: false)
        {
            gates.minUnitsPerVariant = value
        }
        if let value = significance(reader, context: context, scope: scope) { gates.alpha = value }
        guard let items = reader.sequence("metrics") else { return }
        let unique = UniqueListDecoding<OnlineMetric, String>(
            field: "metrics", keyField: "name", key: \.name,
            repeated: { "metric '\($0)' is repeated (first at line \($1))" }, hint: "list each metric once")
        let (metrics, _) = unique.decode(items, context: context, scope: scope) { decodeMetric($0, context: context, scope: $1) }
        gates.metrics = metrics
    }

    private static func decodeMetric(_ node: YAMLNode, context: DecodeContext, scope: Scope) -> OnlineMetric? {
        guard let metric = MappingReader(node, allowed: metricFields, context: context, scope: scope, what: "an online metric")
        else { return nil }
        let name = metric.name("name")
        let direction = metric.enumeration("direction", OnlineMetric.Direction.self, required: true)
        let maxRegression = metric.number("max_regression", required: false)
        if let maxRegression, maxRegression < 0 {
            context.error(
                at: metric.mark(of: "max_regression"), scope, field: "max_regression", "max_regression must be 0 or more",
                hint: "a relative change, e.g. 0.05 for 5%")
            return nil
        }
        guard let name, let direction else { return nil }
        return OnlineMetric(name: name, direction: direction, maxRegression: maxRegression)
    }

    private static func fraction(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope) -> Double? {
        guard let value = reader.number(key, required: false) else { return nil }
        guard value >= 0, value <= 1 else {
            context.error(at: reader.mark(of: key), scope, field: key, "\(key) \(reader.rawText(key)) is outside 0..1", hint: "a share, e.g. 1.0 for 100%")
            return nil
        }
        return value
    }

    private static func significance(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> Double? {
        guard let value = reader.number("alpha", required: false) else { return nil }
        guard value > 0, value < 1 else {
            context.error(at: reader.mark(of: "alpha"), scope, field: "alpha", "alpha \(reader.rawText("alpha")) must be between 0 and 1 (exclusive)", hint: "a significance level such as 0.05")
            return nil
        }
        return value
    }
}
