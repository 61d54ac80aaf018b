import ExpctlModel
import ExpctlPlan
import ExpctlStatistics
import Foundation
import Testing

@Suite("The online gate's state between passes")
struct OnlineGateStateTests {
    /// States of both methods, one- and two-sided, before and after looks, with and without a failure.
    static func states() -> [String: AlwaysValidState] {
        let effect = EffectEstimate(estimate: 0.03, standardError: 0.01, scale: .relative)
        func looked(_ test: AlwaysValidTest, _ margin: NonInferiorityMargin, looks: Int) -> AlwaysValidState {
            var state = AlwaysValidState(test: test, guardrail: margin)
            for look in 0..<looks {
                state.update(
                    with: SequentialLook(
                        effect: effect, baselineUnits: 1_000 * (look + 1), candidateUnits: 1_000 * (look + 1)))
            }
            return state
        }
        return [
            "fresh": AlwaysValidState(
                test: AlwaysValidTest(), guardrail: NonInferiorityMargin(direction: .higherIsBetter)),
            "plan_acceptance_rate": looked(
                AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 5_000), minimumUnitsPerArm: 100),
                NonInferiorityMargin(direction: .higherIsBetter), looks: 3),
            "latency_ms": looked(
                AlwaysValidTest(method: .mixtureSPRT(tau: 0.05), alternative: .less, minimumUnitsPerArm: 100),
                NonInferiorityMargin(direction: .lowerIsBetter, maxRegression: 0.05), looks: 2),
            "edit_count": looked(
                AlwaysValidTest(alternative: .greater, nullValue: 0.1, minimumUnitsPerArm: 100),
                NonInferiorityMargin(direction: .lowerIsBetter, maxRegression: 0.0), looks: 4),
        ]
    }

    @Test func statesReadBackAsTheyWere() throws {
        let states = Self.states()
        let encoded = try #require(OnlineGateState.encode(states))
        #expect(OnlineGateState.decode(encoded) == states)
        // Through text, as a plan file and exp.gate_decisions hold it.
        #expect(OnlineGateState.decode(JSONValue(parsing: encoded.canonicalText)) == states)
    }

    @Test func theShapeIsCodablesSoEarlierRecordsReadBack() throws {
        let states = Self.states()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let codable = try #require(JSONValue(parsing: String(decoding: try encoder.encode(states), as: UTF8.self)))
        #expect(OnlineGateState.decode(codable) == states)
        let ours = try #require(OnlineGateState.encode(states))
        let back = try JSONDecoder().decode([String: AlwaysValidState].self, from: Data(ours.canonicalText.utf8))
        #expect(back == states)
    }

    @Test func aDamagedRecordStartsAfreshInsteadOfStopping() throws {
        let encoded = try #require(OnlineGateState.encode(Self.states()))
        for (field, value) in [("alpha", JSONValue.double(0.7)), ("minimumUnitsPerArm", .integer(1))] {
            guard case .object(var all) = encoded, case .object(var state)? = all["latency_ms"],
                case .object(var test)? = state["test"]
            else {
                Issue.record("not an object")
                return
            }
            test[field] = value
            state["test"] = .object(test)
            all["latency_ms"] = .object(state)
            #expect(OnlineGateState.decode(.object(all)).isEmpty, "\(field)")
        }
        #expect(OnlineGateState.decode(.string("nonsense")).isEmpty)
    }
}

@Suite("Recording the online gate's looks")
struct OnlineLookRecordTests {
    /// A confidence-sequence state after looks at `units` per arm with a steady effect.
    static func state(after units: [Int]) -> AlwaysValidState {
        var state = AlwaysValidState(
            test: AlwaysValidTest(method: .confidenceSequence(tuningTotalUnits: 5_000), minimumUnitsPerArm: 100),
            guardrail: NonInferiorityMargin(direction: .higherIsBetter))
        for count in units {
            let effect = EffectEstimate(estimate: 0.03, standardError: 0.5 / Double(count).squareRoot(), scale: .relative)
            state.update(with: SequentialLook(effect: effect, baselineUnits: count, candidateUnits: count))
        }
        return state
    }

    static func report(_ state: AlwaysValidState) -> GateReport {
        GateReport(
            kind: .online, subject: "exp/candidate", profile: "default", verdict: .inconclusive, headline: "",
            criteria: [GateCriterion(name: "plan_acceptance_rate", outcome: .unknown, text: "")],
            identity: GateIdentity(), onlineStates: ["plan_acceptance_rate": state])
    }

    @Test func aLookIsRecordedWhenTheIntervalHasNarrowedEnough() throws {
        let recorded = Self.state(after: [1_000])
        let latest = RecordedGateDecision(
            verdict: .inconclusive, evidenceDigest: Self.report(recorded).materialDigest,
            state: OnlineGateState.encode(["plan_acceptance_rate": recorded]))
        // The same look again, or a few more units: the record stands.
        #expect(!Self.report(recorded).needsRecord(after: latest))
        #expect(!Self.report(Self.state(after: [1_000, 1_100])).needsRecord(after: latest))
        // Four times the units halve the width: a new row.
        #expect(Self.report(Self.state(after: [1_000, 4_000])).needsRecord(after: latest))
        // A record without bounds yet is followed by the first that has them.
        let empty = RecordedGateDecision(
            verdict: .inconclusive, evidenceDigest: Self.report(recorded).materialDigest, state: nil)
        #expect(Self.report(recorded).needsRecord(after: empty))
    }
}
