import ExpctlModel
import ExpctlYAML

/// Decodes and checks `gates`: one mapping (the `default` profile) or a list of named
/// profiles, each with `offline` and `online`; absent fields keep their defaults.
enum GatesDecoder {
    static let fields = ["offline", "online"]
    static let profileFields = ["name", "offline", "online"]
    static let offlineFields = [
        "min_score_delta", "min_constraint_respect", "alpha", "weights", "no_degradation", "degradation_margin",
    ]
    static let onlineFields = [
        "max_initial_allocation", "min_units_per_variant", "alpha", "metrics", "method", "tuning_units", "mixture_sd",
        "srm_threshold",
    ]
    static let metricFields = ["name", "direction", "max_regression"]
    static let methods = ["confidence_sequence", "msprt"]
    /// Weights must sum to 1 within this tolerance (decimal weights are not exact in binary).
    static let weightTolerance = 1e-9

    /// The profiles the `gates` node declares, or nil when the node is neither form.
    static func decodeProfiles(_ node: YAMLNode, context: DecodeContext, undecoded: inout [DeclaredName])
        -> [GateProfile]
    {
        guard case .sequence(let items) = node.value else {
            let location = context.location(node.mark)
            guard let gates = decode(node, allowed: fields, context: context, scope: Scope(resource: "gates")) else {
                undecoded.append(DeclaredName(kind: "gate profile", name: GateProfile.defaultName, location: location))
                return []
            }
            return [GateProfile(name: GateProfile.defaultName, gates: gates, origin: location)]
        }
        var profiles: [GateProfile] = []
        for (index, item) in items.enumerated() {
            let scope = Scope(resource: Scope.resourceLabel("gate profile", item, index: index))
            // Unknown fields are reported once, by `decode`.
            guard case .mapping = item.value,
                let reader = MappingReader(item, allowed: nil, context: context, scope: scope, what: "a gate profile")
            else {
                context.error(
                    at: item.mark, scope, "expected a gate profile as a mapping, found \(item.value.kindDescription)",
                    hint: "each entry has a `name` and its `offline` and `online` gates")
                continue
            }
            let name = reader.name("name")
            if let name { context.declarations.gateProfiles.insert(name) }
            let gates = decode(item, allowed: profileFields, context: context, scope: scope)
            guard let name else { continue }
            let location = context.location(reader.mark(of: "name"))
            guard let gates else {
                undecoded.append(DeclaredName(kind: "gate profile", name: name, location: location))
                continue
            }
            profiles.append(GateProfile(name: name, gates: gates, origin: location))
        }
        return profiles
    }

    private static func decode(_ node: YAMLNode, allowed: [String], context: DecodeContext, scope: Scope) -> Gates? {
        guard let reader = MappingReader(node, allowed: allowed, context: context, scope: scope, what: "gates") else {
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

    private static func decodeOffline(
        _ node: YAMLNode, into gates: inout OfflineGates, context: DecodeContext, scope: Scope
    ) {
        guard
            let reader = MappingReader(
                node, allowed: offlineFields, context: context, scope: scope, what: "offline gates")
        else { return }
        if let value = reader.number("min_score_delta", required: false) { gates.minScoreDelta = value }
        if let value = fraction(reader, "min_constraint_respect", context: context, scope: scope) {
            gates.minConstraintRespect = value
        }
        if let value = significance(reader, context: context, scope: scope) { gates.alpha = value }
        if let metrics = metricNames(
            reader, "no_degradation", known: OfflineGates.replayMetrics, context: context, scope: scope)
        {
            gates.degradationMetrics = metrics
        }
        if let margin = reader.number("degradation_margin", required: false) {
            if margin >= 0 {
                gates.degradationMargin = margin
            } else {
                context.error(
                    at: reader.mark(of: "degradation_margin"), scope, field: "degradation_margin",
                    "degradation_margin must be 0 or more", hint: "a drop in a score's mean, e.g. 0.01")
            }
        }
        guard let weightsNode = reader.optional("weights") else { return }
        let weightsScope = scope.nested("weights")
        guard
            let weights = MappingReader(
                weightsNode, allowed: nil, context: context, scope: weightsScope,
                what: "weights (metric name to weight)")
        else { return }
        var result: [String: Double] = [:]
        var sum = 0.0  // in the order written, so the message is the same on every run
        var valid = true
        for entry in weights.entries {
            let metric = entry.key.scalarText
            guard OfflineGates.replayMetrics.contains(metric) else {
                context.error(
                    at: entry.key.mark, weightsScope, field: metric, "unknown offline metric '\(metric)'",
                    hint: Suggestions.hint(for: metric, among: OfflineGates.replayMetrics, noun: "the replay's metrics")
                )
                valid = false
                continue
            }
            guard let weight = weights.number(of: entry.value, field: metric) else {
                valid = false
                continue
            }
            guard weight >= 0 else {
                context.error(
                    at: entry.value.mark, weightsScope, field: metric, "weight of \(metric) is negative",
                    hint: "weights are shares of the combined score, 0 or more")
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

    private static func decodeOnline(
        _ node: YAMLNode, into gates: inout OnlineGates, context: DecodeContext, scope: Scope
    ) {
        guard
            let reader = MappingReader(
                node, allowed: onlineFields, context: context, scope: scope, what: "online gates")
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
        if let method = decodeMethod(reader, context: context, scope: scope) { gates.method = method }
        if let threshold = reader.number("srm_threshold", required: false) {
            if threshold > 0, threshold < 1 {
                gates.srmThreshold = threshold
            } else {
                context.error(
                    at: reader.mark(of: "srm_threshold"), scope, field: "srm_threshold",
                    "srm_threshold \(reader.rawText("srm_threshold")) must be between 0 and 1 (exclusive)",
                    hint: "a p-value such as 0.001: the check runs on every pass, so keep it small")
            }
        }
        guard let items = reader.sequence("metrics") else { return }
        let unique = UniqueListDecoding<OnlineMetric, String>(
            field: "metrics", keyField: "name", key: \.name,
            repeated: { "metric '\($0)' is repeated (first at line \($1))" }, hint: "list each metric once")
        let (metrics, _) = unique.decode(items, context: context, scope: scope) {
            decodeMetric($0, context: context, scope: $1)
        }
        gates.metrics = metrics
    }

    /// `method` with its parameter: `tuning_units` for a confidence sequence, `mixture_sd` for mSPRT.
    private static func decodeMethod(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> SequentialMethod?
    {
        let method = reader.string("method", required: false) ?? "confidence_sequence"
        guard methods.contains(method) else {
            context.error(
                at: reader.mark(of: "method"), scope, field: "method", "unknown method '\(method)'",
                hint: Suggestions.hint(for: method, among: methods, noun: "the methods"))
            return nil
        }
        let (own, other) = method == "msprt" ? ("mixture_sd", "tuning_units") : ("tuning_units", "mixture_sd")
        if reader.optional(other) != nil {
            context.error(
                at: reader.mark(of: other), scope, field: other, "\(other) does not apply to method \(method)",
                hint: "method \(method) is tuned by `\(own)`")
            return nil
        }
        if method == "msprt" {
            guard reader.optional("mixture_sd") != nil else { return .msprt(mixtureSD: 0.05) }
            guard let tau = reader.number("mixture_sd", required: false), tau > 0 else {
                context.error(
                    at: reader.mark(of: "mixture_sd"), scope, field: "mixture_sd", "mixture_sd must be above 0",
                    hint: "the relative effect to find quickly, e.g. 0.05 for 5%")
                return nil
            }
            return .msprt(mixtureSD: tau)
        }
        guard reader.optional("tuning_units") != nil else { return .confidenceSequence(tuningUnits: 5_000) }
        return reader.positiveInteger("tuning_units", required: false).map { .confidenceSequence(tuningUnits: $0) }
    }

    /// A list of known metric names, each once; nil when absent or invalid.
    private static func metricNames(
        _ reader: MappingReader, _ key: String, known: [String], context: DecodeContext, scope: Scope
    ) -> [String]? {
        guard let items = reader.sequence(key) else { return nil }
        var names: [String] = []
        var valid = true
        for item in items {
            guard case .scalar(let scalar) = item.value, known.contains(scalar.text), !names.contains(scalar.text)
            else {
                let text = item.scalarText
                context.error(
                    at: item.mark, scope, field: key,
                    names.contains(text) ? "metric '\(text)' is listed twice" : "unknown metric '\(text)'",
                    hint: Suggestions.hint(for: text, among: known, noun: "the metrics"))
                valid = false
                continue
            }
            names.append(scalar.text)
        }
        return valid ? names : nil
    }

    private static func decodeMetric(_ node: YAMLNode, context: DecodeContext, scope: Scope) -> OnlineMetric? {
        guard
            let metric = MappingReader(
                node, allowed: metricFields, context: context, scope: scope, what: "an online metric")
        else { return nil }
        let name = metric.name("name")
        if let name, !OnlineGates.knownMetrics.contains(name) {
            context.error(
                at: metric.mark(of: "name"), scope, field: "name", "unknown online metric '\(name)'",
                hint: Suggestions.hint(for: name, among: OnlineGates.knownMetrics, noun: "the online metrics"))
            return nil
        }
        let direction = metric.enumeration("direction", OnlineMetric.Direction.self, required: true)
        let maxRegression = metric.number("max_regression", required: false)
        if let maxRegression, maxRegression < 0 {
            context.error(
                at: metric.mark(of: "max_regression"), scope, field: "max_regression",
                "max_regression must be 0 or more",
                hint: "a relative change, e.g. 0.05 for 5%")
            return nil
        }
        guard let name, let direction else { return nil }
        return OnlineMetric(name: name, direction: direction, maxRegression: maxRegression)
    }

    private static func fraction(_ reader: MappingReader, _ key: String, context: DecodeContext, scope: Scope)
        -> Double?
    {
        guard let value = reader.number(key, required: false) else { return nil }
        guard value >= 0, value <= 1 else {
            context.error(
                at: reader.mark(of: key), scope, field: key, "\(key) \(reader.rawText(key)) is outside 0..1",
                hint: "a share, e.g. 1.0 for 100%")
            return nil
        }
        return value
    }

    private static func significance(_ reader: MappingReader, context: DecodeContext, scope: Scope) -> Double? {
        guard let value = reader.number("alpha", required: false) else { return nil }
        // Below 0.5: a test at 50% or more would promote on a coin toss.
        guard value > 0, value < 0.5 else {
            context.error(
                at: reader.mark(of: "alpha"), scope, field: "alpha",
                "alpha \(reader.rawText("alpha")) must be between 0 and 0.5 (exclusive)",
                hint: "a significance level such as 0.05")
            return nil
        }
        return value
    }
}
