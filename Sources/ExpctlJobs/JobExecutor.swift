public import ExpctlModel
public import ExpctlPlan
public import ExpctlStore

/// Runs jobs of one kind: the runner claims a job, hands it here, and records what comes back.
///
/// An executor reads everything it needs from the claim's inputs (not from git: the ledger row
/// is the job), reports progress through the context and checks `context.isCancelled` between
/// steps; it throws `JobFailure` with a reason a person can act on.
public protocol JobExecutor: AnyObject {
    var kind: JobKind { get }
    func run(_ job: JobLedger.Claim, context: JobContext) throws -> [String: JSONValue]
}

/// What a running job may ask of its runner.
public final class JobContext: @unchecked Sendable {
    public let job: JobLedger.Claim
    private let lease: LeaseKeeper?
    private let stopRequested: () -> Bool
    private let report: (JobProgress) -> Void
    private let record: (ExternalExecution) throws -> Bool

    init(
        job: JobLedger.Claim, lease: LeaseKeeper?, stopRequested: @escaping () -> Bool,
        report: @escaping (JobProgress) -> Void, record: @escaping (ExternalExecution) throws -> Bool = { _ in true }
    ) {
        self.job = job
        self.lease = lease
        self.stopRequested = stopRequested
        self.report = report
        self.record = record
    }

    /// Records in the ledger where the job is about to be submitted, before it is: a runner
    /// that dies after the submit leaves the next one a submission to re-attach to, never a
    /// second job. Throws `JobFailure.cancelled` when the job is no longer this runner's.
    public func recordExecution(_ execution: ExternalExecution) throws {
        guard try record(execution) else { throw JobFailure.cancelled }
    }

    /// True once the job is no longer this runner's (cancelled by a plan or `jobs cancel`, or
    /// its lease lost), or the runner is stopping. The executor should stop; nothing it
    /// produces is recorded.
    public var isCancelled: Bool { (lease?.isLost ?? false) || stopRequested() }

    /// Stopped because the job goes on elsewhere: the runner is stopping (it gives the job back)
    /// or another runner takes it over, not because it was cancelled. A cluster job is then
    /// left running, for the next runner to re-attach to.
    public var handsOver: Bool {
        guard isCancelled else { return false }
        return stopRequested() || !(lease?.wasCancelled ?? false)
    }

    /// Throws `JobFailure.cancelled` when `isCancelled`.
    public func checkCancelled() throws {
        if isCancelled { throw JobFailure.cancelled }
    }

    public func progress(_ progress: JobProgress) { report(progress) }
}

/// How far a job's current step is: `rows` 40,000 of 120,000, for a progress bar.
public struct JobProgress: Sendable, Hashable {
    public var job: JobKey
    public var step: String
    public var done: Int
    public var total: Int?
    public var unit: String

    public init(job: JobKey, step: String, done: Int, total: Int?, unit: String) {
        self.job = job
        self.step = step
        self.done = done
        self.total = total
        self.unit = unit
    }
}

/// Why a job did not succeed.
public enum JobFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job's inputs or its environment are wrong: recorded as the job's error.
    case failed(String)
    /// The job stopped because it was no longer this runner's.
    case cancelled
    /// The runner let go of a job that goes on running on a cluster, for the next runner.
    case detached

    public var description: String {
        switch self {
        case .failed(let reason): reason
        case .cancelled: "cancelled while running"
        case .detached: "left running on the cluster for the next runner"
        }
    }
}
