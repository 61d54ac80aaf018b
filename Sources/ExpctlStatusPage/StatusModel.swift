public import Foundation

/// What the status page shows, as plain values the service fills in from its state, the last
/// plan and the database's history: the page knows nothing of where they come from.
public struct StatusModel: Sendable {
    public struct Pass: Sendable {
        public var started: Date
        public var seconds: Double
        /// `converged`, `applied`, `waiting`, `stalled`, `transient`.
        public var outcome: String
        public var commit: String?
        public var summary: String

        public init(started: Date, seconds: Double, outcome: String, commit: String?, summary: String) {
            self.started = started
            self.seconds = seconds
            self.outcome = outcome
            self.commit = commit
            self.summary = summary
        }
    }

    /// An action of the current plan that cannot be applied yet.
    public struct PendingAction: Sendable {
        public var id: String
        /// `waiting` or `blocked`.
        public var state: String
        /// What it waits on, or why it is blocked, one line each.
        public var evidence: [String]

        public init(id: String, state: String, evidence: [String]) {
            self.id = id
            self.state = state
            self.evidence = evidence
        }
    }

    public struct Gate: Sendable {
        public var kind: String
        public var subject: String
        public var verdict: String
        public var headline: String

        public init(kind: String, subject: String, verdict: String, headline: String) {
            self.kind = kind
            self.subject = subject
            self.verdict = verdict
            self.headline = headline
        }
    }

    public struct Job: Sendable {
        public var kind: String
        public var name: String
        public var state: String
        public var attempts: Int
        public var detail: String

        public init(kind: String, name: String, state: String, attempts: Int, detail: String) {
            self.kind = kind
            self.name = name
            self.state = state
            self.attempts = attempts
            self.detail = detail
        }
    }

    /// A point of a series over time.
    public struct Point: Sendable {
        public var time: Date
        public var value: Double

        public init(time: Date, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// The online gate's always-valid interval for one metric at one look.
    public struct IntervalPoint: Sendable {
        public var time: Date
        public var estimate: Double
        public var lower: Double
        public var upper: Double

        public init(time: Date, estimate: Double, lower: Double, upper: Double) {
            self.time = time
            self.estimate = estimate
            self.lower = lower
            self.upper = upper
        }
    }

    public struct Variant: Sendable {
        public var name: String
        public var allocation: Double
        public var retired: Bool
        /// The model version it serves (`planner_model/2`), if known.
        public var model: String?
        /// Per metric (`plan_acceptance_rate`), its daily values.
        public var metrics: [String: [Point]]
        /// Per metric, the online gate's interval for the relative effect against the baseline,
        /// look by look.
        public var intervals: [String: [IntervalPoint]]

        public init(
            name: String, allocation: Double, retired: Bool, model: String?, metrics: [String: [Point]],
            intervals: [String: [IntervalPoint]]
        ) {
            self.name = name
            self.allocation = allocation
            self.retired = retired
            self.model = model
            self.metrics = metrics
            self.intervals = intervals
        }
    }

    public struct Experiment: Sendable {
        public var name: String
        public var status: String
        public var variants: [Variant]

        public init(name: String, status: String, variants: [Variant]) {
            self.name = name
            self.status = status
            self.variants = variants
        }
    }

    public struct ModelVersion: Sendable {
        public var model: String
        public var version: String
        public var stage: String
        /// The MLflow UI page of the version and of its run, when MLflow's address is known.
        public var link: String?
        public var runLink: String?

        public init(model: String, version: String, stage: String, link: String?, runLink: String?) {
            self.model = model
            self.version = version
            self.stage = stage
            self.link = link
            self.runLink = runLink
        }
    }

    public var generated: Date
    /// `main → 3f2a9c1`, the source the loop reconciles.
    public var source: String
    /// Which replica leads: `this replica, since …` or the lock holder as PostgreSQL names it.
    public var leader: String?
    public var passRunningSince: Date?
    public var lastApplied: (commit: String, at: Date)?
    public var passes: [Pass]
    public var pending: [PendingAction]
    public var gates: [Gate]
    public var jobs: [Job]
    public var experiments: [Experiment]
    public var models: [ModelVersion]

    public init(
        generated: Date, source: String, passRunningSince: Date? = nil, lastApplied: (commit: String, at: Date)? = nil,
        passes: [Pass] = [], pending: [PendingAction] = [], gates: [Gate] = [], jobs: [Job] = [],
        experiments: [Experiment] = [], models: [ModelVersion] = []
    ) {
        self.generated = generated
        self.source = source
        self.passRunningSince = passRunningSince
        self.lastApplied = lastApplied
        self.passes = passes
        self.pending = pending
        self.gates = gates
        self.jobs = jobs
        self.experiments = experiments
        self.models = models
    }
}
