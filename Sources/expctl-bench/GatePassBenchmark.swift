import ExpctlModel
import ExpctlPlan
import ExpctlStatistics
import Foundation

/// `expctl-bench gates-pass`: the time of one gate evaluation pass over `experiments` running
/// experiments (issue 11: under 100 ms, excluding the SQL), in memory, against a floor in the
/// same run; then, given a database, the SQL that reads their evidence (`GateEvidenceBenchmark`).
///
/// The pass is `Planner.plan` on a converged tree (`GatePassFixture`): no action to take, an
/// online gate to judge per candidate variant, half of them folding a new look into the state
/// a recorded decision carried over. The floor is the same plan with no gate evidence and no
/// decisions: every gate then returns `waiting` at once, so the difference is the gates' work.
struct GatePassBenchmark {
    var experiments: Int
    /// Units per experiment in the in-memory evidence (the candidate's 10% of them).
    var units: Int
    /// Units per experiment written to PostgreSQL.
    var sqlUnits: Int
    var databaseURL: String?
    var explainFile: String?
    var seed: UInt64 = 1
    var warmUps = 2
    var runs = 9

    static let usage =
        "usage: expctl-bench gates-pass [--experiments N] [--units N] [--sql-units N] [--database-url URL]"
        + " [--explain FILE]"

    static let gatesUsage =
        "usage: expctl-bench gates [--experiments N] [--seed N] [--units N] [--sql-units N] [--database-url URL]"
        + " [--explain FILE]"

    /// Parses the arguments after `gates-pass`, runs, and returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        guard let options = parse(arguments, ["--experiments": "1000", "--units": "20000", "--sql-units": "2000"]),
            let benchmark = GatePassBenchmark(options)
        else {
            print(usage)
            return 2
        }
        return benchmark.runReporting()
    }

    /// `expctl-bench gates`: the A/A simulation (`gates-aa`), then the pass and its SQL.
    static func gatesMain(_ arguments: [String]) -> Int32 {
        let defaults = ["--experiments": "1000", "--seed": "1", "--units": "20000", "--sql-units": "2000"]
        guard let options = parse(arguments, defaults), let pass = GatePassBenchmark(options) else {
            print(gatesUsage)
            return 2
        }
        let aa = GateStatisticsBenchmark.main([
            "--experiments", options["--experiments"]!, "--seed", options["--seed"]!,
        ])
        guard aa == 0 else { return aa }
        print("")
        return pass.runReporting()
    }

    /// `--name value` pairs of the names in `defaults` (and `--database-url`, `--explain`), over the defaults;
    /// nil on anything else.
    private static func parse(_ arguments: [String], _ defaults: [String: String]) -> [String: String]? {
        var options = defaults
        var rest = arguments[...]
        while rest.count >= 2, let name = rest.first,
            options[name] != nil || ["--database-url", "--explain"].contains(name)
        {
            options[name] = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        return rest.isEmpty ? options : nil
    }

    private init?(_ options: [String: String]) {
        guard let experiments = Int(options["--experiments"]!), experiments > 0, let units = Int(options["--units"]!),
            units >= 20, let sqlUnits = Int(options["--sql-units"]!), sqlUnits >= 0
        else { return nil }
        self.experiments = experiments
        self.units = units
        self.sqlUnits = sqlUnits
        databaseURL = options["--database-url"]
        explainFile = options["--explain"]
        if let seed = options["--seed"].flatMap(UInt64.init) { self.seed = seed }
    }

    private func runReporting() -> Int32 {
        do {
            try run()
            return 0
        } catch {
            print("expctl-bench: \(error)")
            return 1
        }
    }

    func run() throws {
        let fixture = GatePassFixture(experiments: experiments, unitsPerExperiment: units)
        let desired = fixture.desired
        let floorState = fixture.converged(desired)
        var observed = floorState
        let (gates, recorded) = fixture.gates(desired, seed: seed)
        observed.gates = gates

        let plan = Planner.plan(desired: desired, observed: observed, commit: "bench")
        guard plan.actions.isEmpty, plan.problems.isEmpty else {
            let first = plan.actions.first.map { "\($0.id): \($0.reason)" } ?? "\(plan.problems.first!)"
            throw BenchmarkErrorText(
                "the converged tree is not converged: \(plan.actions.count) actions, \(plan.problems.count) problems "
                    + "(first: \(first))")
        }
        // The plan shows the reports whose decision is new; every gate's verdict is the judge's.
        let comparisons = Self.comparisons(desired, observed)
        let reports = comparisons.map {
            OnlineGate.judge($0.value, gates: desired.gates.online, profile: GateProfile.defaultName)
        }
        let verdicts = Dictionary(grouping: reports, by: \.verdict).mapValues(\.count)
        let candidateUnits = Int(Double(units) * GatePassFixture.candidateShare.fraction)
        print(
            "gates-pass: \(NumberText.grouped(experiments)) running experiments, baseline 90% on a production version "
                + "and candidate 10% on a candidate version, \(NumberText.grouped(units)) units each "
                + "(\(NumberText.grouped(candidateUnits)) for the candidate), the 5 default online metrics")
        print(
            "  verdicts: "
                + GateVerdict.allCases.compactMap { verdict in verdicts[verdict].map { "\(verdict.rawValue) \($0)" } }
                .joined(separator: ", ")
                + "; \(gates.decisions.count) carry a recorded always-valid state over; the plan shows "
                + "\(plan.gates.count) reports, \(plan.newGateDecisions) of them new decisions")
        print("  median of \(runs) runs after \(warmUps) warm-ups, release build, one core:")

        let floor = median { _ = Planner.plan(desired: desired, observed: floorState, commit: "bench") }
        let full = median { _ = Planner.plan(desired: desired, observed: observed, commit: "bench") }
        let judged = median {
            for comparison in comparisons {
                _ = OnlineGate.judge(comparison.value, gates: desired.gates.online, profile: GateProfile.defaultName)
            }
        }
        let states = gates.decisions.values.map(\.state)
        let decoding = median { for state in states { _ = OnlineGateState.decode(state) } }
        let gatesShare = full - floor
        print("  floor: the same plan with no gate evidence and no decisions (every gate waits at once):")
        print("    \(ms(floor))")
        print(
            "  Planner.plan, every online gate judged:  \(ms(full))  target < 100 ms; ratio to the floor "
                + String(format: "%.2f", full / floor) + "; the gates' share \(ms(gatesShare))")
        print(
            "  OnlineGate.judge alone, \(NumberText.grouped(comparisons.count)) comparisons: \(ms(judged))"
                + "  target < 100 ms; " + String(format: "%.1f µs", judged * 1e6 / Double(comparisons.count))
                + " each")
        print("  of the pass, decoding the \(states.count) carried-over states: \(ms(decoding))")

        guard sqlUnits > 0 else { return }
        guard databaseURL != nil || ProcessInfo.processInfo.environment["DATABASE_URL"] != nil else {
            print("  (no --database-url or DATABASE_URL: the SQL half is skipped)")
            return
        }
        print("")
        try GateEvidenceBenchmark(
            fixture: fixture, desired: desired, recorded: recorded, unitsPerExperiment: sqlUnits, seed: seed,
            databaseURL: databaseURL, explainFile: explainFile
        ).run()
    }

    /// Each experiment's comparison as `OnlineGatePlanning` builds it, the recorded state decoded.
    static func comparisons(_ desired: DesiredState, _ observed: ObservedState) -> [(
        key: String, value: OnlineComparison
    )] {
        desired.experiments.enumerated().map { index, experiment in
            let subject = "\(experiment.name)/candidate"
            let comparison = OnlineComparison(
                experiment: experiment.name, candidate: "candidate", baseline: "baseline",
                allocations: experiment.variants.map { NamedAllocation(name: $0.name, allocation: $0.allocation) },
                data: observed.gates.online[experiment.name]!,
                identity: GateIdentity(
                    model: "model_\(index)", version: "2", baselineVersion: "1", experiment: experiment.name),
                previous: OnlineGateState.decode(
                    observed.gates.decisions[GateSubject(kind: .online, subject: subject)]?.state))
            return (subject, comparison)
        }
    }

    /// The median seconds of `runs` runs of `body` after `warmUps`.
    private func median(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        for _ in 0..<warmUps { body() }
        let times = (0..<runs).map { _ in
            let start = clock.now
            body()
            return (clock.now - start).seconds
        }.sorted()
        return times[times.count / 2]
    }

    private func ms(_ seconds: Double) -> String { String(format: "%7.1f ms", seconds * 1000) }
}
