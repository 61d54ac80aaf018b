import ExpctlModel
import ExpctlPlan
import ExpctlStatistics
import Foundation

/// The tree `expctl-bench gates-pass` plans: `experiments` running experiments, each on a
/// policy of its own with version 1 on `model_i` version 1 (production) and version 2 on
/// `model_i` version 2 (candidate); variant `baseline` at 90% on version 1 and `candidate` at
/// 10% (the cap) on version 2; one gates profile (`default`, the built-in online metrics).
/// Every fourth experiment's candidate is better, the same, worse, or a little better, so
/// every verdict path of the online gate runs.
struct GatePassFixture {
    var experiments: Int
    /// Units of the whole experiment in the in-memory observation (10% of them the candidate's).
    var unitsPerExperiment: Int

    static let origin = SourceLocation(path: "bench.yaml", line: 1, column: 1)
    static let candidateShare = Allocation(buckets: 1_000)

    /// The relative change of the candidate's acceptance probability in experiment `index`.
    static func acceptanceEffect(_ index: Int) -> Double { [0.15, 0, -0.15, 0.05][index % 4] }

    func name(_ index: Int) -> String { "exp-\(index)" }

    var desired: DesiredState {
        var policies: [Policy] = []
        var experimentList: [Experiment] = []
        var promotions: [Promotion] = []
        let origin = Self.origin
        for index in 0..<experiments {
            let policy = "policy_\(index)"
            let model = "model_\(index)"
            policies.append(
                Policy(
                    name: policy,
                    versions: [
                        PolicyVersion(
                            version: 1, mlflowModelName: model, model: .registered(version: "1"), origin: origin),
                        PolicyVersion(
                            version: 2, mlflowModelName: model, model: .registered(version: "2"), origin: origin),
                    ], origin: origin))
            promotions += [
                Promotion(model: model, target: .version("1"), stage: .production, origin: origin),
                Promotion(model: model, target: .version("2"), stage: .candidate, origin: origin),
            ]
            experimentList.append(
                Experiment(
                    name: name(index), description: "Gate benchmark experiment \(index)", unitType: .user,
                    status: .running, startsAt: Timestamp(seconds: 1_767_225_600), baseline: "baseline",
                    variants: [
                        Variant(
                            name: "baseline",
                            allocation: Allocation(buckets: Allocation.bucketCount - Self.candidateShare.buckets),
                            policyVersion: PolicyVersionRef(policy: policy, version: 1), origin: origin),
                        Variant(
                            name: "candidate", allocation: Self.candidateShare,
                            policyVersion: PolicyVersionRef(policy: policy, version: 2), origin: origin),
                    ],
                    origin: SourceLocation(path: "experiments/\(name(index)).yaml", line: 1, column: 1)))
        }
        let profile = GateProfile(name: GateProfile.defaultName, gates: Gates(origin: origin), origin: origin)
        return DesiredState(
            experiments: experimentList, policies: policies, promotions: promotions, gateProfiles: [profile])
    }

    /// The state a converged tree leaves: the rows apply writes, MLflow with version 1 in
    /// production and version 2 a candidate of each model; `gates` empty.
    func converged(_ desired: DesiredState) -> ObservedState {
        var actual = ActualState()
        for policy in desired.policies {
            var versions: [Int: ActualPolicyVersion] = [:]
            for version in policy.versions {
                guard case .registered(let number) = version.model else { continue }
                versions[version.version] = ActualPolicyVersion(
                    id: "pv-\(policy.name)-\(version.version)", version: version.version,
                    mlflowModelName: version.mlflowModelName, mlflowModelVersion: number)
            }
            actual.policies[policy.name] = ActualPolicy(
                id: "p-\(policy.name)", name: policy.name, versions: versions,
                provenance: Provenance(commit: "c0", path: policy.origin.path))
        }
        for experiment in desired.experiments {
            var variants: [String: ActualVariant] = [:]
            for (position, variant) in experiment.variants.enumerated() {
                variants[variant.name] = ActualVariant(
                    id: "v-\(experiment.name)-\(variant.name)", name: variant.name, allocation: variant.allocation,
                    policyVersion: variant.policyVersion, params: variant.params, position: position)
            }
            actual.experiments[experiment.name] = ActualExperiment(
                id: "e-\(experiment.name)", name: experiment.name, description: experiment.description,
                unitType: experiment.unitType, status: experiment.status, startsAt: experiment.startsAt,
                baseline: experiment.baseline, variants: variants,
                provenance: Provenance(commit: "c0", path: experiment.origin.path))
        }
        var registry = RegistryState()
        for index in 0..<experiments {
            let model = "model_\(index)"
            registry.models[model] = RegisteredModelState(
                name: model,
                versions: [
                    "1": ModelVersionState(
                        version: "1",
                        tags: [
                            RegistryTags.stage: "production", RegistryTags.appliedStage: "production",
                            RegistryTags.wasProduction: "true", RegistryTags.commit: "c0",
                            RegistryTags.path: Self.origin.path,
                        ]),
                    "2": ModelVersionState(
                        version: "2",
                        tags: [
                            RegistryTags.stage: "candidate", RegistryTags.appliedStage: "candidate",
                            RegistryTags.commit: "c0", RegistryTags.path: Self.origin.path,
                        ]),
                ],
                aliases: ["production": "1", "candidate": "2"])
        }
        return ObservedState(
            database: actual, registry: .read(registry), registryModels: registry.models.keys.sorted())
    }

    /// Every experiment's online data as `exp.assignments` and `exp.events` would give it, and
    /// for every other experiment a recorded decision whose always-valid state is what the gate
    /// left after judging the first 90% of the units, so that this pass folds a new look into
    /// a carried-over state; and the reports those decisions record (for `exp.gate_decisions`).
    func gates(_ desired: DesiredState, seed: UInt64) -> (observation: GateObservation, recorded: [GateReport]) {
        var observation = GateObservation()
        var recorded: [GateReport] = []
        let gates = desired.gates.online
        for (index, experiment) in desired.experiments.enumerated() {
            var generator = SeededGenerator(seed: seed, index: index)
            let candidateUnits = Int(Double(unitsPerExperiment) * Self.candidateShare.fraction)
            let model = UnitTrafficModel(acceptanceEffect: Self.acceptanceEffect(index))
            let baseline = model.variantData(
                "baseline", units: unitsPerExperiment - candidateUnits, effect: false, generator: &generator)
            let candidate = model.variantData("candidate", units: candidateUnits, effect: true, generator: &generator)
            observation.online[experiment.name] = OnlineExperimentData(
                experiment: experiment.name, variants: ["baseline": baseline.all, "candidate": candidate.all])
            guard index % 2 == 0 else { continue }
            let earlier = OnlineComparison(
                experiment: experiment.name, candidate: "candidate", baseline: "baseline",
                allocations: experiment.variants.map { NamedAllocation(name: $0.name, allocation: $0.allocation) },
                data: OnlineExperimentData(
                    experiment: experiment.name,
                    variants: ["baseline": baseline.earlier, "candidate": candidate.earlier]),
                identity: GateIdentity(
                    model: "model_\(index)", version: "2", baselineVersion: "1", experiment: experiment.name))
            let report = OnlineGate.judge(earlier, gates: gates, profile: GateProfile.defaultName)
            observation.decisions[GateSubject(kind: .online, subject: earlier.subject)] = RecordedGateDecision(
                verdict: report.verdict, evidenceDigest: report.materialDigest, state: report.state,
                version: report.identity.version)
            recorded.append(report)
        }
        return (observation, recorded)
    }
}

/// One unit's plans: how a simulated user of a variant behaves. The same model gives the
/// in-memory sums and the events written to PostgreSQL.
struct UnitTrafficModel {
    /// The candidate's relative change of the acceptance probability.
    var acceptanceEffect: Double
    var acceptance = 0.6

    struct Plan {
        var latencyMS: Int
        var costMicros: Int
        var interventions: Int
        /// The edit count of its acceptance; nil when it was not accepted.
        var edits: Int?
    }

    /// 1 to 3 plans (1.7 on average), each accepted with the variant's probability; latency
    /// 600 ms plus an exponential of mean 400, cost 0.01 to 0.03 USD, 0–2 interventions, 0–3 edits.
    func plans(candidate: Bool, generator: inout SeededGenerator) -> [Plan] {
        let draw = generator.uniform()
        let count = draw < 0.5 ? 1 : draw < 0.8 ? 2 : 3
        let accepted = acceptance * (candidate ? 1 + acceptanceEffect : 1)
        return (0..<count).map { _ in
            let intervention = generator.uniform()
            return Plan(
                latencyMS: 600 + Int(-400 * log(generator.uniform())),
                costMicros: 10_000 + Int(20_000 * generator.uniform()),
                interventions: intervention < 0.9 ? 0 : intervention < 0.98 ? 1 : 2,
                edits: generator.uniform() < accepted ? Int(4 * generator.uniform()) : nil)
        }
    }

    /// The online metrics in the order `accumulate` fills them.
    static let metrics = [
        "plan_acceptance_rate", "edit_count", "validator_intervention_rate", "latency_ms", "cost_usd",
    ]

    /// Adds a unit's numerator and denominator of each metric (OnlineEvidenceQuery's table) to
    /// `sums`, in the order of `metrics`.
    static func accumulate(_ plans: [Plan], into sums: inout [RatioSums]) {
        let generated = Double(plans.count)
        var accepted = 0.0
        var edits = 0.0
        var interventions = 0.0
        var latency = 0.0
        var cost = 0.0
        for plan in plans {
            if let count = plan.edits {
                accepted += 1
                edits += Double(count)
            }
            interventions += Double(plan.interventions)
            latency += Double(plan.latencyMS)
            cost += Double(plan.costMicros) / 1e6
        }
        sums[0].add(accepted, generated)
        sums[1].add(edits, accepted)
        sums[2].add(interventions, generated)
        sums[3].add(latency, generated)
        sums[4].add(cost, generated)
    }

    /// A variant's data over `units` units, and the same over the first 90% of them.
    func variantData(
        _ name: String, units: Int, effect: Bool, generator: inout SeededGenerator
    ) -> (all: OnlineVariantData, earlier: OnlineVariantData) {
        var sums = Array(repeating: RatioSums.zero, count: Self.metrics.count)
        var earlier = sums
        let cut = units * 9 / 10
        for unit in 0..<units {
            if unit == cut { earlier = sums }
            Self.accumulate(plans(candidate: effect, generator: &generator), into: &sums)
        }
        func data(_ units: Int, _ metrics: [RatioSums]) -> OnlineVariantData {
            OnlineVariantData(
                variant: name, units: units, unitsThisPhase: units, unitsLastDay: units / 14,
                metrics: Dictionary(uniqueKeysWithValues: zip(Self.metrics, metrics)))
        }
        return (data(units, sums), data(cut, earlier))
    }
}

extension RatioSums {
    static let zero = RatioSums(
        units: 0, numeratorSum: 0, denominatorSum: 0, numeratorSumOfSquares: 0, denominatorSumOfSquares: 0,
        sumOfProducts: 0)

    mutating func add(_ numerator: Double, _ denominator: Double) {
        units += 1
        numeratorSum += numerator
        denominatorSum += denominator
        numeratorSumOfSquares += numerator * numerator
        denominatorSumOfSquares += denominator * denominator
        sumOfProducts += numerator * denominator
    }
}
