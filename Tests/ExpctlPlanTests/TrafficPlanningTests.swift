import ExpctlModel
import ExpctlPlan
import ExpctlStatistics
import PlanningTestSupport
import Testing

/// The example tree judged on acceptance alone, with `leftovers_v2` at `allocation` and
/// `promotions` appended.
private func tree(allocation: String = "0.1", control: String = "0.9", promotions: String = "") -> DesiredState {
    desired(
        exampleTree
            .replacingOccurrences(
                of: "allocation: 0.1, policy_version: planner_policy@2",
                with: "allocation: \(allocation), policy_version: planner_policy@2"
            )
            .replacingOccurrences(of: "allocation: 0.9", with: "allocation: \(control)")
                + """

                gates:
                  online:
                    min_units_per_variant: 1000
                    metrics:
                      - { name: plan_acceptance_rate, direction: increase }

                """ + (promotions.isEmpty ? "" : "promotions:\n" + promotions))
}

/// The converged example (leftovers_v2 live at 10% on version 2, a candidate), MLflow with
/// version 1 in production, the offline gate passed, and `online` as the experiment's data.
private func observed(_ state: DesiredState, online: [String: OnlineVariantData] = [:]) -> ObservedState {
    var observed = converged(desired())
    observed.registry = .read(
        RegistryState(models: [
            "planner_model": RegisteredModelState(
                name: "planner_model",
                versions: [
                    "1": ModelVersionState(version: "1", tags: ["stage": "production", "expctl.stage": "production"]),
                    "2": ModelVersionState(
                        version: "2",
                        tags: [
                            "stage": "candidate", "expctl.job": "job-planner-2025-01-10", "expctl.offline_gate": "pass",
                        ]),
                ],
                aliases: ["production": "1", "candidate": "2"])
        ]))
    observed.registryModels = ["planner_model"]
    observed = observed.evaluated(for: state)
    if !online.isEmpty {
        observed.gates.online["planner_policy_exp"] = OnlineExperimentData(
            experiment: "planner_policy_exp", variants: online)
    }
    return observed
}

/// Units with one plan each, `accepted` of them accepted.
private func variant(_ name: String, units: Int, accepted: Int, phase: Int? = nil) -> OnlineVariantData {
    OnlineVariantData(
        variant: name, units: units, unitsThisPhase: phase ?? units, unitsLastDay: units / 7,
        metrics: [
            "plan_acceptance_rate": RatioSums(
                units: units, numeratorSum: Double(accepted), denominatorSum: Double(units),
                numeratorSumOfSquares: Double(accepted), denominatorSumOfSquares: Double(units),
                sumOfProducts: Double(accepted))
        ])
}

/// A clear improvement of leftovers_v2 over control, at 9:1.
private let improving = [
    "control": variant("control", units: 18_000, accepted: 10_800),
    "leftovers_v2": variant("leftovers_v2", units: 2_000, accepted: 1_400),
]

private func reason(_ action: PlannedAction?) -> BlockReason? {
    if case .blocked(let reason)? = action?.readiness { reason } else { nil }
}

private let raise = "update experiment.planner_policy_exp/variant.leftovers_v2"

@Suite("Traffic: the cap, the online gate, stickiness")
struct TrafficPlanningTests {
    @Test func aNewVariantAboveTheCapIsBlockedWithTheCapAsEvidence() throws {
        let state = tree(allocation: "0.5", control: "0.5")
        var fromScratch = observed(state)
        fromScratch.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"] = nil
        let plan = makePlan(state, fromScratch)
        let blocked = try #require(reason(plan.action("create experiment.planner_policy_exp/variant.leftovers_v2")))
        #expect(blocked.kind == .trafficCap)
        #expect(
            blocked.message
                == "variant leftovers_v2 of planner_policy_exp would give 50% of traffic to planner_model/2, "
                + "which is not in production: above the cap of 10% (max_initial_allocation of gate profile 'default')")
        guard case .gate(let gate)? = blocked.dependency else {
            Issue.record("no evidence")
            return
        }
        #expect(
            gate.evidence.figures == [
                Figure(name: "allocation", value: 0.5), Figure(name: "max_initial_allocation", value: 0.1),
            ])
        // On a version its training has not registered yet, the cap is known now: blocked, not waiting.
        var untrained = fromScratch.with(job: job(for: state.trainings[0], state: .pending))
        untrained.database.policies["planner_policy"]!.versions[2] = nil
        let early = try #require(
            reason(makePlan(state, untrained).action("create experiment.planner_policy_exp/variant.leftovers_v2")))
        #expect(early.kind == .trafficCap)
        #expect(early.message.contains("a model version not registered yet"))
        // Without the registry nothing is known to be in production, and the cap is not applied.
        var skipped = fromScratch
        skipped.registry = .skipped
        #expect(
            reason(makePlan(state, skipped).action("create experiment.planner_policy_exp/variant.leftovers_v2")) == nil)
        // Within the cap it is ready.
        let within = makePlan(tree(), fromScratch)
        #expect(within.action("create experiment.planner_policy_exp/variant.leftovers_v2")?.readiness == .ready)
    }

    @Test func raisingALiveVariantAboveTheCapNeedsItsOnlineGate() throws {
        let state = tree(allocation: "0.5", control: "0.5")
        let waiting = makePlan(state, observed(state))
        guard case .waiting(let dependencies)? = waiting.action(raise)?.readiness,
            case .gate(let gate)? = dependencies.first
        else {
            Issue.record(
                "the raise does not wait on the online gate: \(String(describing: waiting.action(raise)?.readiness))")
            return
        }
        #expect(gate.kind == .online)
        #expect(gate.subject == "planner_policy_exp/leftovers_v2")
        #expect(gate.evidence.detail == "waiting: no units are assigned to leftovers_v2 and control yet")
        // The control's lowering goes with it: applying it alone would leave the experiment short.
        let passed = makePlan(state, observed(state, online: improving))
        let report = try #require(passed.gates.first { $0.kind == .online })
        #expect(report.verdict == .pass, "\(report.headline)")
        #expect(report.headline.hasPrefix("pass: plan_acceptance_rate +16.7% ["), "\(report.headline)")
        #expect(passed.action(raise)?.readiness == .ready)
    }

    @Test func onlineVerdictsThatDoNotPassNeverRaiseOrPromote() throws {
        let state = tree(allocation: "0.5", control: "0.5")
        let worse = [
            "control": variant("control", units: 18_000, accepted: 10_800),
            "leftovers_v2": variant("leftovers_v2", units: 2_000, accepted: 1_000),
        ]
        #expect(reason(makePlan(state, observed(state, online: worse)).action(raise))?.kind == .gateFailed)
        let same = [
            "control": variant("control", units: 18_000, accepted: 10_800),
            "leftovers_v2": variant("leftovers_v2", units: 2_000, accepted: 1_205),
        ]
        let inconclusive = makePlan(state, observed(state, online: same))
        #expect(inconclusive.gates.first { $0.kind == .online }?.verdict == .inconclusive)
        #expect(inconclusive.action(raise)?.readiness.state == "waiting")
        // Units lost on one side: the sample ratio no longer matches 9:1, loudly.
        let lost = [
            "control": variant("control", units: 18_000, accepted: 10_800),
            "leftovers_v2": variant("leftovers_v2", units: 1_500, accepted: 1_050),
        ]
        let mismatch = makePlan(state, observed(state, online: lost))
        let blocked = try #require(reason(mismatch.action(raise)))
        #expect(blocked.kind == .gateBlocked)
        #expect(
            blocked.message.contains("sample-ratio mismatch: control 18,000, leftovers_v2 1,500 units"),
            "\(blocked.message)")
    }

    @Test func theCandidateGoesToProductionOnceBothGatesPassedAndTheBaselineRetiresAfter() throws {
        let promoted = tree(
            allocation: "1", control: "0",
            promotions: "  - { model: planner_model, training: planner-2025-01-10, stage: production }\n")
        let waiting = makePlan(promoted, observed(promoted))
        #expect(waiting.action("update model_version.planner_model/2")?.readiness.state == "waiting")
        // The raise to 100% and the baseline's retirement follow the promotion.
        #expect(waiting.action(raise)?.readiness.state == "waiting")
        let control = try #require(waiting.action("update experiment.planner_policy_exp/variant.control"))
        #expect(control.after.contains("update model_version.planner_model/2"))
        #expect(control.reason.hasSuffix("; after the production promotion it makes way for"))
        #expect(control.readiness.state == "waiting")
        let passed = makePlan(promoted, observed(promoted, online: improving))
        #expect(passed.action("update model_version.planner_model/2")?.readiness == .ready)
        #expect(passed.action(raise)?.readiness == .ready)
        #expect(passed.action("update experiment.planner_policy_exp/variant.control")?.readiness == .ready)
        #expect(passed.action("update model_version.planner_model/1")?.after("stage") == .string("archived"))
        let record = try #require(passed.gates.first { $0.kind == .lifecycle && $0.subject == "planner_model/2" })
        #expect(
            passed.gates.first { $0.kind == .lifecycle && $0.subject == "planner_model/1" }?.headline
                == "retire: planner_model/1 production → archived (planner_model/2 replaces it in production)")
        // While the promotion waits, the archival it causes is not recorded.
        #expect(!waiting.gates.contains { $0.kind == .lifecycle })
        #expect(
            record.headline
                == "promote: planner_model/2 candidate → production (offline gate passed, online gate passed)")
    }

    @Test func anAllocationChangeSaysWhatStickinessKeeps() throws {
        let state = tree(allocation: "0.05", control: "0.95")
        var assigned = observed(state)
        // Buckets 9,000 to 9,499 belong to control after the change (0.95), to leftovers_v2 before.
        assigned.gates.assigned["planner_policy_exp"] = [
            AssignedUnits(bucket: 100, variant: "control", units: 40),
            AssignedUnits(bucket: 9_200, variant: "leftovers_v2", units: 3),
            AssignedUnits(bucket: 9_700, variant: "leftovers_v2", units: 2),
        ]
        let plan = makePlan(state, assigned)
        #expect(
            plan.action(raise)?.reason == "changed in git; 3 of 45 assigned units would land in another variant "
                + "if assignment were not sticky: stickiness keeps each in the variant it has")
        #expect(
            plan.action("update experiment.planner_policy_exp/variant.control")?.reason.hasSuffix(
                "keeps each in the variant it has") == true)
    }

    @Test func heldChangesNeverLeaveTheExperimentAboveOne() throws {
        // control 0.9 → 0.8 makes room for leftovers_v2 0.1 → 0.15 (waiting on its online gate)
        // and a new pantry_first at 0.05: the lowering waits with the raise, so the new variant
        // must wait too, or the experiment would hold 1.05.
        let text =
            exampleTree
            .replacingOccurrences(of: "allocation: 0.9", with: "allocation: 0.8")
            .replacingOccurrences(
                of: "      - { name: leftovers_v2, allocation: 0.1, policy_version: planner_policy@2 }\n",
                with: "      - { name: leftovers_v2, allocation: 0.15, policy_version: planner_policy@2 }\n"
                    + "      - { name: pantry_first, allocation: 0.05, policy_version: planner_policy@2 }\n")
        let state = desired(text)
        let plan = makePlan(state, observed(state))
        #expect(plan.action(raise)?.readiness.state == "waiting")
        #expect(plan.action("update experiment.planner_policy_exp/variant.control")?.readiness.state == "waiting")
        #expect(plan.action("create experiment.planner_policy_exp/variant.pantry_first")?.readiness.state == "waiting")
        #expect(plan.readyActions.allSatisfy { if case .variant = $0.address { false } else { true } })
    }

    @Test func aVariantMovedToAnotherModelVersionIsThatVersionsFirstTraffic() throws {
        // leftovers_v2 passed its online gate on version 2 and was raised to 50%; git now moves it
        // to version 3 at the same 50%: version 3 has no evidence, so the cap applies to it.
        let text =
            exampleTree
            .replacingOccurrences(of: "allocation: 0.9", with: "allocation: 0.5")
            .replacingOccurrences(
                of: "allocation: 0.1, policy_version: planner_policy@2",
                with: "allocation: 0.5, policy_version: planner_policy@3"
            )
            .replacingOccurrences(
                of: "      - { version: 2, mlflow_model_name: planner_model, training: planner-2025-01-10 }\n",
                with: "      - { version: 2, mlflow_model_name: planner_model, training: planner-2025-01-10 }\n"
                    + "      - { version: 3, mlflow_model_name: planner_model, mlflow_model_version: 3 }\n")
        let state = desired(text)
        var live = observed(state, online: improving)
        live.database.experiments["planner_policy_exp"]!.variants["leftovers_v2"]!.allocation = Allocation(
            buckets: 5_000)
        live.database.experiments["planner_policy_exp"]!.variants["control"]!.allocation = Allocation(buckets: 5_000)
        if case .read(var registry) = live.registry {
            registry.models["planner_model"]!.versions["3"] = ModelVersionState(version: "3")
            live.registry = .read(registry)
        }
        let plan = makePlan(state, live)
        let swap = try #require(reason(plan.action(raise)))
        #expect(swap.kind == .trafficCap, "\(swap.message)")
        #expect(swap.message.contains("planner_model/3, which is not in production"))
    }
}
