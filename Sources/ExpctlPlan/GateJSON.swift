import ExpctlModel
import ExpctlStatistics

/// A gate report as the JSON plan's `gates` array holds it (docs/plan-and-apply.md), and read
/// back from a plan file, strictly: apply records what the plan showed.
enum GateJSON {
    static func report(_ report: GateReport) -> JSONValue {
        .object([
            "gate": .string(report.kind.rawValue),
            "subject": .string(report.subject),
            "profile": .string(report.profile),
            "verdict": .string(report.verdict.rawValue),
            "headline": .string(report.headline),
            "criteria": .array(report.criteria.map(criterion)),
            "progress": report.progress.map(PlanJSON.progress) ?? .null,
            "identity": identity(report.identity),
            "state": report.state ?? .null,
            "evidence_digest": .string(report.materialDigest),
        ])
    }

    private static func criterion(_ criterion: GateCriterion) -> JSONValue {
        .object([
            "name": .string(criterion.name), "outcome": .string(criterion.outcome.rawValue),
            "text": .string(criterion.text), "figures": .array(criterion.figures.map(PlanJSON.figure)),
        ])
    }

    private static func identity(_ identity: GateIdentity) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            "model": text(identity.model), "version": text(identity.version),
            "baseline_version": text(identity.baselineVersion), "dataset_digest": text(identity.datasetDigest),
            "experiment": text(identity.experiment),
        ])
    }

    /// The always-valid states, which must read back whole: a plan file's state is recorded.
    private static func onlineStates(_ fields: Fields) throws(PlanJSONError) -> [String: AlwaysValidState] {
        guard let value = try fields.value("state") else { return [:] }
        let states = OnlineGateState.decode(value)
        guard !states.isEmpty, OnlineGateState.encode(states)?.canonicalText == value.canonicalText else {
            throw fields.error("state", "is not the always-valid state of the online tests")
        }
        return states
    }

    static func read(_ fields: Fields) throws(PlanJSONError) -> GateReport {
        guard let kind = GateKind(rawValue: try fields.string("gate")) else {
            throw fields.error("gate", "is not a gate")
        }
        guard let verdict = GateVerdict(rawValue: try fields.string("verdict"))
        else { throw fields.error("verdict", "is not pass, fail, inconclusive, waiting or blocked") }
        var criteria: [GateCriterion] = []
        for item in try fields.objects("criteria") {
            guard let outcome = GateCriterion.Outcome(rawValue: try item.string("outcome"))
            else { throw item.error("outcome", "is not met, unmet or unknown") }
            criteria.append(
                GateCriterion(
                    name: try item.string("name"), outcome: outcome, text: try item.string("text"),
                    figures: try item.objects("figures").map { figure throws(PlanJSONError) in
                        try PlanJSONReading.figure(figure)
                    }))
        }
        let identity = try fields.object("identity")
        let report = GateReport(
            kind: kind, subject: try fields.string("subject"), profile: try fields.string("profile"), verdict: verdict,
            headline: try fields.string("headline"), criteria: criteria,
            progress: try fields.optionalObject("progress").map { fields throws(PlanJSONError) in
                try PlanJSONReading.progress(fields)
            },
            identity: GateIdentity(
                model: try identity.optionalString("model"), version: try identity.optionalString("version"),
                baselineVersion: try identity.optionalString("baseline_version"),
                datasetDigest: try identity.optionalString("dataset_digest"),
                experiment: try identity.optionalString("experiment")),
            onlineStates: try onlineStates(fields))
        guard try fields.string("evidence_digest") == report.materialDigest else {
            throw fields.error("evidence_digest", "does not match the report's evidence")
        }
        return report
    }
}
