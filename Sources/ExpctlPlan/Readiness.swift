import ExpctlModel

/// Whether apply can carry out an action now.
///
/// A waiting action needs time (a job to finish, a gate to gather evidence); a blocked one needs
/// a person (a failed job, a model version missing from MLflow, a registry nobody configured).
/// Neither freezes the rest of the plan: apply carries out the ready actions and skips these.
/// (A *problem* is different: git asks for something expctl refuses, and nothing is applied.)
public enum Readiness: Sendable, Hashable {
    case ready
    /// What it waits on, each with its evidence; an action dependency is listed with the jobs
    /// and gates that action waits on.
    case waiting(on: [Dependency])
    case blocked(reason: BlockReason)

    public var isReady: Bool { self == .ready }

    /// Blocked if any is (the first); otherwise waiting on everything any waits on; otherwise
    /// ready.
    public static func combined(_ all: [Readiness]) -> Readiness {
        var waits: [Dependency] = []
        for readiness in all {
            switch readiness {
            case .blocked: return readiness
            case .waiting(let dependencies): waits += dependencies.filter { !waits.contains($0) }
            case .ready: break
            }
        }
        return waits.isEmpty ? .ready : .waiting(on: waits)
    }

    /// `ready`, `waiting` or `blocked`: the JSON plan's `readiness.state`.
    public var state: String {
        switch self {
        case .ready: "ready"
        case .waiting: "waiting"
        case .blocked: "blocked"
        }
    }
}

/// Something an action needs before it can be applied.
public enum Dependency: Sendable, Hashable {
    /// Another action of the same plan, by id: apply orders it first, and it inherits its
    /// readiness.
    case action(String)
    case job(JobDependency)
    case gate(GateDependency)
}

/// A job an action waits on, with how far it is.
public struct JobDependency: Sendable, Hashable {
    public var job: JobKey
    public var evidence: Evidence

    public init(job: JobKey, evidence: Evidence) {
        self.job = job
        self.evidence = evidence
    }
}

/// The kinds of evaluation gate: the offline replay gate (none → candidate) and the online
/// experiment gate (candidate → production, and traffic above the cap); and the lifecycle,
/// whose records are the stage moves themselves (promotions with the gates they passed, and
/// rollbacks, which need none).
public enum GateKind: String, Sendable, Hashable, CaseIterable {
    case offline
    case online
    case lifecycle
}

/// A gate an action waits on, for a subject (a model version, a variant), with its evidence.
public struct GateDependency: Sendable, Hashable {
    public var kind: GateKind
    /// What the gate judges: `planner_model/2`, `experiment.x/variant.y`.
    public var subject: String
    public var evidence: Evidence

    public init(kind: GateKind, subject: String, evidence: Evidence) {
        self.kind = kind
        self.subject = subject
        self.evidence = evidence
    }
}

/// What a waiting or blocked action is waiting for and how far it is, as data: renderers word
/// it, bots read the numbers.
public struct Evidence: Sendable, Hashable {
    /// One word for where it stands: `planned`, `pending`, `running`, `failed`, `inconclusive`.
    public var state: String
    /// What has to happen, in words: "the job to succeed and register a model version".
    public var waitsFor: String
    /// How far it is, when that can be counted.
    public var progress: Progress?
    /// The numbers behind it, in the order they read best.
    public var figures: [Figure]
    /// Anything else worth saying: a failed job's error, a lease holder.
    public var detail: String?

    public init(state: String, waitsFor: String, progress: Progress? = nil, figures: [Figure] = [], detail: String? = nil) {
        self.state = state
        self.waitsFor = waitsFor
        self.progress = progress
        self.figures = figures
        self.detail = detail
    }
}

/// `done` of `total` `unit`s (640 of 1,000 units per variant).
public struct Progress: Sendable, Hashable {
    public var done: Double
    public var total: Double
    public var unit: String

    public init(done: Double, total: Double, unit: String) {
        self.done = done
        self.total = total
        self.unit = unit
    }
}

/// A named number: `attempts` 2, `offline_eval_score` 0.81.
public struct Figure: Sendable, Hashable {
    public var name: String
    public var value: Double
    public var unit: String?

    public init(name: String, value: Double, unit: String? = nil) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}

/// Why an action cannot be applied until someone acts, and what they can do.
public struct BlockReason: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// No MLflow is configured and `--skip-registry` was not given: a policy version would
        /// be written without checking its model version exists.
        case registryNotChecked = "registry_not_checked"
        /// The job it needs failed; it runs again when its inputs change.
        case jobFailed = "job_failed"
        /// The job registered a model version that MLflow does not have (or not as that job's).
        case modelVersionMissing = "model_version_missing"
        /// A gate judged the subject and it failed: a threshold missed, a significant
        /// degradation or regression. It is judged again when its evidence changes.
        case gateFailed = "gate_failed"
        /// A gate's evidence cannot be trusted (a sample-ratio mismatch) or is missing.
        case gateBlocked = "gate_blocked"
        /// A variant would serve a model version that is not in production with more than the
        /// gate profile's `max_initial_allocation`, without the online gate's pass.
        case trafficCap = "traffic_cap"
        /// A promotion would skip a stage: the version has not passed the gate the move needs,
        /// and nothing is gathering that evidence.
        case stageSkipped = "stage_skipped"
    }

    public var kind: Kind
    public var message: String
    public var hint: String
    /// The job or gate it comes from, with its evidence.
    public var dependency: Dependency?
    /// When the block is inherited, the action of this plan it comes through.
    public var via: String?

    public init(kind: Kind, message: String, hint: String, dependency: Dependency? = nil, via: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.dependency = dependency
        self.via = via
    }
}
