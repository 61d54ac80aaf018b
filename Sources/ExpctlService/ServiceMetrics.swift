public import ExpctlPlan
public import ExpctlReconciler
import Foundation
import Metrics
public import Prometheus
import Synchronization

/// The service's metrics, through swift-metrics with a Prometheus registry of the service's own
/// (not the process-wide bootstrap, so that several services in one test process keep their
/// figures apart), and their text at `/metrics`.
///
/// Labels never carry secrets or unbounded values: outcomes, states, verdicts, route
/// templates, status codes, and the one applied commit.
public final class ServiceMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory

    /// The commit of the `expctl_last_applied_commit_info` series, replaced on each new commit.
    private let appliedCommit = Mutex<(commit: String, gauge: Metrics.Gauge)?>(nil)
    /// The labels of the last pass's gauges, so that a state or verdict that disappears goes to 0.
    private let lastGaugeLabels = Mutex<[String: Set<[String]>]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        self.factory = factory
    }

    /// The Prometheus text exposition format (0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    // MARK: passes

    func passFinished(_ outcome: PassOutcome, seconds: Double) {
        let labels = [("outcome", outcome.kind)]
        Metrics.Timer(label: "expctl_pass_duration_seconds", dimensions: labels, factory: factory)
            .recordNanoseconds(Int64((seconds * 1e9).rounded()))
        Metrics.Counter(label: "expctl_passes_total", dimensions: labels, factory: factory).increment()
        switch outcome {
        case .converged, .stalled, .transient:
            setGauges("expctl_actions", key: ["state"], values: [["waiting"]: 0, ["blocked"]: 0])
        case .applied(_, _, let remaining), .waiting(_, let remaining):
            setGauges(
                "expctl_actions", key: ["state"],
                values: [["waiting"]: Double(remaining.waiting.count), ["blocked"]: Double(remaining.blocked.count)])
        }
    }

    /// A pass applied actions at `commit` at `time`; `driftRepaired` of them were applied at the
    /// commit the previous pass had already applied: someone changed the actual state by hand.
    func applied(commit: String, at time: Date, actions: Int, driftRepaired: Int) {
        Metrics.Gauge(label: "expctl_last_applied_timestamp_seconds", factory: factory).record(time.timeIntervalSince1970)
        Metrics.Counter(label: "expctl_actions_applied_total", factory: factory).increment(by: actions)
        Metrics.Counter(label: "expctl_drift_repaired_total", factory: factory).increment(by: driftRepaired)
        appliedCommit.withLock { current in
            guard current?.commit != commit else { return }
            current?.gauge.destroy()
            let gauge = Metrics.Gauge(label: "expctl_last_applied_commit_info", dimensions: [("commit", commit)], factory: factory)
            gauge.record(1)
            current = (commit, gauge)
        }
    }

    /// The jobs of the ledger by kind and state, and the gates' verdicts, as the last plan saw them.
    func planned(_ plan: Plan, observed: ObservedState) {
        var jobs: [[String]: Double] = [:]
        for kind in JobKind.allCases {
            for state in JobState.allCases { jobs[[kind.rawValue, state.rawValue]] = 0 }
        }
        for job in observed.jobs.jobs { jobs[[job.key.kind.rawValue, job.state.rawValue], default: 0] += 1 }
        setGauges("expctl_jobs", key: ["kind", "state"], values: jobs)
        var verdicts: [[String]: Double] = [:]
        for kind in GateKind.allCases {
            for verdict in GateVerdict.allCases { verdicts[[kind.rawValue, verdict.rawValue]] = 0 }
        }
        for report in plan.gates { verdicts[[report.kind.rawValue, report.verdict.rawValue], default: 0] += 1 }
        setGauges("expctl_gate_verdicts", key: ["gate", "verdict"], values: verdicts)
    }

    // MARK: requests and calls

    /// One API request: its route template (never the raw path), method and status.
    func request(route: String, method: String, status: Int, nanoseconds: Int64) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        Metrics.Counter(label: "expctl_http_requests_total", dimensions: labels, factory: factory).increment()
        Metrics.Timer(label: "expctl_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// One call to a server expctl depends on (`postgres`, `mlflow`), and whether it failed.
    func call(_ server: String, nanoseconds: Int64, failed: Bool) {
        Metrics.Timer(label: "expctl_\(server)_call_duration_seconds", factory: factory).recordNanoseconds(nanoseconds)
        if failed { Metrics.Counter(label: "expctl_\(server)_call_errors_total", factory: factory).increment() }
    }

    /// Sets every gauge of `name` named in `values`, and to 0 those the last call set that are
    /// not there any more.
    private func setGauges(_ name: String, key: [String], values: [[String]: Double]) {
        let stale = lastGaugeLabels.withLock { last in
            let before = last[name] ?? []
            last[name] = Set(values.keys)
            return before.subtracting(values.keys)
        }
        for labels in stale { gauge(name, key: key, labels: labels).record(0) }
        for (labels, value) in values { gauge(name, key: key, labels: labels).record(value) }
    }

    private func gauge(_ name: String, key: [String], labels: [String]) -> Metrics.Gauge {
        Metrics.Gauge(label: name, dimensions: Array(zip(key, labels)), factory: factory)
    }
}
