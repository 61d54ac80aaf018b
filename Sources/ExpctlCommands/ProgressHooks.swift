import ArgumentParser
import ExpctlModel
import ExpctlPlan
import ExpctlReconciler
import Foundation

/// `--log-format`: how `apply` and `reconcile` report progress.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    /// Lines for people.
    case text
    /// One JSON object per line on standard output, for log collectors.
    case json
}

/// Progress for people: registry and ledger actions as they complete, the database's commit,
/// and for `reconcile` one line per pass.
final class TextHook: ReconcileHook {
    let console: any Console
    /// Whether to print a line for each finished pass (`reconcile`), or only the actions (`apply`).
    let passLines: Bool
    /// Where the servers are, added to transient failures' lines.
    let mlflowLabel: String?
    let databaseLabel: String?

    init(console: any Console, passLines: Bool, mlflowLabel: String? = nil, databaseLabel: String? = nil) {
        self.console = console
        self.passLines = passLines
        self.mlflowLabel = mlflowLabel
        self.databaseLabel = databaseLabel
    }

    func actionsCompleted(_ actions: [PlannedAction], system: ManagedSystem) {
        switch system {
        case .jobLedger:
            for action in actions {
                console.line("  \(action.address): \(action.kind == .retire ? "cancelled" : "added") in the job ledger")
            }
        case .registry:
            for action in actions { console.line("  \(action.address): \(Self.past(action.kind)) in MLflow") }
        case .database:
            guard !actions.isEmpty else { return }
            console.line(
                "  PostgreSQL: \(actions.count == 1 ? "1 change" : "\(actions.count) changes") "
                    + "committed in one transaction")
        }
    }

    func passFinished(_ outcome: PassOutcome) {
        guard passLines else { return }
        console.line(line(outcome))
    }

    /// `, 1 gate decision recorded`, or nothing.
    static func decisions(_ count: Int) -> String {
        count == 0 ? "" : ", \(count) gate decision\(count == 1 ? "" : "s") recorded"
    }

    func line(_ outcome: PassOutcome) -> String {
        switch outcome {
        case .converged(let revision):
            return "reconcile: \(revision): no changes"
        case .applied(let revision, let report, let remaining):
            return "reconcile: \(revision): applied \(report.created) to add, \(report.updated) to change, "
                + "\(report.retired) to retire" + Self.decisions(report.gateDecisions) + Self.remainder(remaining)
        case .waiting(let revision, let remaining):
            return "reconcile: \(revision): nothing ready to apply" + Self.remainder(remaining)
        case .stalled(let revision, .invalidDesiredState(let diagnostics)):
            let first = diagnostics.first.map { "\($0.location): \($0.message)" } ?? ""
            return "reconcile: \(revision.map(\.description) ?? "?"): stalled, the desired state is invalid "
                + "(\(diagnostics.count) errors; first: \(first)); waiting for a new commit"
        case .stalled(let revision, .planProblems(let problems)):
            return
                "reconcile: \(revision.map(\.description) ?? "?"): stalled, \(problems.count) change(s) git must fix first "
                + "(first: \(problems.first?.message ?? "")); waiting for a new commit"
        case .stalled(let revision, .applyRefused(let error)):
            return
                "reconcile: \(revision.map(\.description) ?? "?"): stalled, apply failed in a way a retry will not fix: "
                + "\(error); waiting for a new commit"
        case .stalled(let revision, .historyRewritten(let applied)):
            return "reconcile: \(revision.map(\.description) ?? "?"): stalled, the branch's history was rewritten: it "
                + "does not descend from the last applied commit \(applied.prefix(7)); waiting for a commit on top of it "
                + "(or --allow-history-rewrite)"
        case .stalled(let revision, .signatureRefused(let problem)):
            return "reconcile: \(revision.map(\.description) ?? "?"): stalled, signature refused: \(problem); "
                + "waiting for a signed commit"
        case .transient(let error):
            return "reconcile: failed, will retry: \(error)\(label(error).map { " (\($0))" } ?? "")"
        }
    }

    private func label(_ error: PassError) -> String? {
        switch error {
        case .registry: mlflowLabel.map { "MLflow: \($0)" }
        case .database: databaseLabel.map { "database: \($0)" }
        case .source, .apply: nil
        }
    }

    /// `; 2 waiting on jobs or gates, 1 blocked (first: waits on job training x: pending …)`.
    static func remainder(_ remaining: Remaining) -> String {
        guard !remaining.isEmpty else { return "" }
        var parts: [String] = []
        if !remaining.waiting.isEmpty { parts.append("\(remaining.waiting.count) waiting on jobs or gates") }
        if !remaining.blocked.isEmpty { parts.append("\(remaining.blocked.count) blocked") }
        var text = "; " + parts.joined(separator: ", ")
        if let first = remaining.dependencies.first {
            text += " (waits on \(EvidenceText.dependency(first)))"
        } else if case .blocked(let reason)? = remaining.blocked.first?.readiness {
            text += " (blocked: \(EvidenceText.blocked(reason)))"
        }
        return text
    }

    private static func past(_ kind: ActionKind) -> String {
        switch kind {
        case .create: "created"
        case .update: "updated"
        case .retire: "retired"
        }
    }
}

/// Progress as JSON lines on standard output: one object per event, with its time.
final class JSONLinesHook: ReconcileHook {
    let console: any Console
    let clock: any ReconcileClock

    init(console: any Console, clock: any ReconcileClock) {
        self.console = console
        self.clock = clock
    }

    func passStarted() { emit("pass_started", [:]) }

    func stepStarted(_ step: PassStep) { emit("step_started", ["step": .string(step.rawValue)]) }

    func stepFinished(_ step: PassStep, seconds: Double) {
        emit("step_finished", ["step": .string(step.rawValue), "seconds": .double(seconds)])
    }

    func actionsCompleted(_ actions: [PlannedAction], system: ManagedSystem) {
        guard !actions.isEmpty else { return }
        emit(
            "actions_completed",
            ["system": .string(system.rawValue), "actions": .array(actions.map { .string($0.id) })])
    }

    func passFinished(_ outcome: PassOutcome) {
        var fields: [String: JSONValue] = ["outcome": .string(outcome.kind)]
        if let revision = outcome.revision {
            fields["commit"] = .string(revision.commit)
            fields["ref"] = revision.refName.map(JSONValue.string) ?? .null
        }
        switch outcome {
        case .converged: break
        case .applied(_, let report, let remaining):
            fields["run_id"] = .integer(report.runID)
            fields["applied"] = .object([
                "job_ledger": .integer(Int64(report.ledgerActions)),
                "registry": .integer(Int64(report.registryActions)),
                "database": .integer(Int64(report.databaseActions)),
            ])
            fields.merge(Self.fields(remaining)) { $1 }
        case .waiting(_, let remaining):
            fields.merge(Self.fields(remaining)) { $1 }
        case .stalled(_, .invalidDesiredState(let diagnostics)):
            fields["reason"] = .string("invalid_desired_state")
            fields["diagnostics"] = .array(diagnostics.map { .string("\($0.location): \($0.message)") })
        case .stalled(_, .planProblems(let problems)):
            fields["reason"] = .string("plan_problems")
            fields["problems"] = .array(problems.map { .string($0.message) })
        case .stalled(_, .applyRefused(let error)):
            fields["reason"] = .string("apply_refused")
            fields["error"] = ErrorReport(error).json
        case .stalled(_, .historyRewritten(let applied)):
            fields["reason"] = .string("history_rewritten")
            fields["last_applied_commit"] = .string(applied)
        case .stalled(_, .signatureRefused(let problem)):
            fields["reason"] = .string("signature_refused")
            fields["problem"] = .string(problem)
        case .transient(let error):
            fields["error"] = ErrorReport(error).json
        }
        emit("pass_finished", fields)
    }

    /// A line of news that is not an event of a pass (the lock is taken, the loop stopped).
    func message(_ text: String) { emit("message", ["message": .string(text)]) }

    /// A failure that ends the command, in the same stream.
    func error(_ report: ErrorReport) { emit("error", ["error": report.json]) }

    private static func fields(_ remaining: Remaining) -> [String: JSONValue] {
        [
            "waiting": .array(remaining.waiting.map { .string($0.id) }),
            "blocked": .array(remaining.blocked.map { .string($0.id) }),
            "waits_on": .array(remaining.dependencies.map(PlanJSON.dependency)),
        ]
    }

    private func emit(_ event: String, _ fields: [String: JSONValue]) {
        var object = fields
        object["event"] = .string(event)
        let seconds = clock.now().timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let nanoseconds = Int32(((seconds - whole) * 1e9).rounded(.down))
        object["time"] = .string(Timestamp(seconds: Int64(whole), nanoseconds: nanoseconds).description)
        console.line(JSONValue.object(object).canonicalText)
    }
}
