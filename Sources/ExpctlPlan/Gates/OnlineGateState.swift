public import ExpctlModel
public import ExpctlStatistics

/// The online gate's state between passes, as `exp.gate_decisions.evidence.state` holds it:
/// each metric's always-valid state (running bounds, minimum p, sticky failure), as JSON.
///
/// Written and read by hand, in the shape Swift's `Codable` gives these types (so a record
/// written either way reads back): through `JSONEncoder` and a text round trip, encoding and
/// decoding were most of a gate pass over 1,000 experiments.
public enum OnlineGateState {
    public static func encode(_ states: [String: AlwaysValidState]) -> JSONValue? {
        .object(states.mapValues(encode))
    }

    /// The states of a recorded decision; empty when there are none or they do not read back
    /// (a decision of another expctl version starts the tests afresh, which stays valid).
    public static func decode(_ value: JSONValue?) -> [String: AlwaysValidState] {
        guard case .object(let fields)? = value else { return [:] }
        var states: [String: AlwaysValidState] = [:]
        for (metric, field) in fields {
            guard let state = decodeState(field) else { return [:] }
            states[metric] = state
        }
        return states
    }

    private static func encode(_ state: AlwaysValidState) -> JSONValue {
        var fields: [String: JSONValue] = [
            "test": encode(state.test),
            "guardrail": .object([
                "direction": .string(state.guardrail.direction.rawValue),
                "maxRegression": .double(state.guardrail.maxRegression),
            ]),
            "looks": .integer(Int64(state.looks)),
            "lastTotalUnits": .integer(Int64(state.lastTotalUnits)),
            "minimumPValue": .double(state.minimumPValue),
            "failed": .bool(state.failed),
        ]
        // Absent when nil, as `Codable` leaves them out.
        if let ratio = state.maximumLogLikelihoodRatio { fields["maximumLogLikelihoodRatio"] = .double(ratio) }
        if let lower = state.recordedBounds.lower { fields["largestLower"] = .double(lower) }
        if let upper = state.recordedBounds.upper { fields["smallestUpper"] = .double(upper) }
        return .object(fields)
    }

    private static func encode(_ test: AlwaysValidTest) -> JSONValue {
        let method: JSONValue =
            switch test.method {
            case .confidenceSequence(let tuning):
                .object(["confidenceSequence": .object(["tuningTotalUnits": .double(tuning)])])
            case .mixtureSPRT(let tau): .object(["mixtureSPRT": .object(["tau": .double(tau)])])
            }
        return .object([
            "method": method, "alpha": .double(test.alpha), "alternative": .string(test.alternative.rawValue),
            "nullValue": .double(test.nullValue), "minimumUnitsPerArm": .integer(Int64(test.minimumUnitsPerArm)),
        ])
    }

    private static func decodeState(_ value: JSONValue) -> AlwaysValidState? {
        guard case .object(let fields) = value, let test = fields["test"].flatMap(decodeTest),
            case .object(let guardrail)? = fields["guardrail"],
            let direction = text(guardrail["direction"]).flatMap(ImprovementDirection.init(rawValue:)),
            let maxRegression = number(guardrail["maxRegression"]), maxRegression >= 0,
            let looks = integer(fields["looks"]), let lastTotal = integer(fields["lastTotalUnits"]),
            let minimumP = number(fields["minimumPValue"]), case .bool(let failed)? = fields["failed"]
        else { return nil }
        return AlwaysValidState(
            restoring: test, guardrail: NonInferiorityMargin(direction: direction, maxRegression: maxRegression),
            looks: looks, lastTotalUnits: lastTotal, minimumPValue: minimumP,
            maximumLogLikelihoodRatio: number(fields["maximumLogLikelihoodRatio"]),
            largestLower: number(fields["largestLower"]), smallestUpper: number(fields["smallestUpper"]), failed: failed
        )
    }

    /// The test, checked as its initialiser requires (it stops the program on values out of range).
    private static func decodeTest(_ value: JSONValue) -> AlwaysValidTest? {
        guard case .object(let fields) = value, case .object(let methodFields)? = fields["method"],
            let alpha = number(fields["alpha"]), alpha > 0, alpha < 0.5,
            let alternative = text(fields["alternative"]).flatMap(Alternative.init(rawValue:)),
            let nullValue = number(fields["nullValue"]), nullValue.isFinite,
            let minimumUnits = integer(fields["minimumUnitsPerArm"]), minimumUnits >= 2
        else { return nil }
        let method: AlwaysValidMethod
        if case .object(let cs)? = methodFields["confidenceSequence"], let tuning = number(cs["tuningTotalUnits"]),
            tuning > 0
        {
            method = .confidenceSequence(tuningTotalUnits: tuning)
        } else if case .object(let msprt)? = methodFields["mixtureSPRT"], let tau = number(msprt["tau"]), tau > 0 {
            method = .mixtureSPRT(tau: tau)
        } else {
            return nil
        }
        return AlwaysValidTest(
            method: method, alpha: alpha, alternative: alternative, nullValue: nullValue,
            minimumUnitsPerArm: minimumUnits)
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .double(let number)?: number.isNaN ? nil : number
        case .integer(let number)?: Double(number)
        default: nil
        }
    }

    private static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .integer(let number)?: Int(exactly: number)
        case .double(let number)?: number.rounded() == number && abs(number) < 1e15 ? Int(number) : nil
        default: nil
        }
    }

    private static func text(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { text } else { nil }
    }
}
