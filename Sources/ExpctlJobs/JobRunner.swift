public import ExpctlModel
public import ExpctlPlan
public import ExpctlPostgres
import ExpctlStore
import Foundation

/// What became of one job a runner claimed.
public struct JobOutcome: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case succeeded(result: [String: JSONValue])
        case failed(error: String)
        /// The job stopped being this runner's (cancelled, or reclaimed): nothing was recorded.
        case lost
        /// The runner stopped (SIGTERM) and gave the job back to the ledger, pending, for the next
        /// runner; its attempt still counts.
        case released
    }

    public var id: String
    public var key: JobKey
    public var attempt: Int
    public var state: State
    public var seconds: Double
}

/// Claims jobs from the ledger and runs them, one at a time, exactly once per claim: a claim
/// holds a lease that a heartbeat renews while the job runs; the result or error is recorded
/// only if the job is still this runner's. A runner that dies leaves the lease to expire, and
/// the next claim runs the job again.
public final class JobRunner {
    public let owner: String
    public let leaseSeconds: Double
    private let settings: ConnectionSettings
    private let executors: [JobKind: any JobExecutor]
    private let progress: (JobProgress) -> Void
    private let stopLock = NSLock()
    private var stopping = false

    /// - Parameters:
    ///   - settings: the database; the runner opens its own connections (one for the ledger,
    ///     one for the heartbeat).
    ///   - owner: who holds the leases, e.g. `expctl@host:pid`.
    public init(
        settings: ConnectionSettings, executors: [any JobExecutor], owner: String = JobRunner.defaultOwner,
        leaseSeconds: Double = 60, progress: @escaping (JobProgress) -> Void = { _ in }
    ) {
        self.settings = settings
        self.executors = Dictionary(executors.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.progress = progress
    }

    public static var defaultOwner: String {
        "expctl@\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }

    /// Stops the job under way at its next check and gives it back to the ledger; no new job is
    /// claimed after this.
    public func requestStop() {
        stopLock.lock()
        stopping = true
        stopLock.unlock()
    }

    public var isStopping: Bool {
        stopLock.lock()
        defer { stopLock.unlock() }
        return stopping
    }

    /// The kinds this runner can run.
    public var kinds: [JobKind] { executors.keys.sorted() }

    /// Claims and runs jobs until none of its kinds is claimable; returns what became of each.
    public func runAll(limit: Int = .max) throws -> [JobOutcome] {
        let connection = try PostgresConnection(settings)
        var outcomes: [JobOutcome] = []
        while outcomes.count < limit, !isStopping, let outcome = try runOne(on: connection) { outcomes.append(outcome) }
        return outcomes
    }

    /// Claims one job and runs it; nil when there is none to claim.
    public func runOne(on connection: PostgresConnection) throws -> JobOutcome? {
        let ledger = JobLedger(connection: connection)
        guard !executors.isEmpty, let claim = try ledger.claim(owner: owner, leaseSeconds: leaseSeconds, kinds: kinds),
            let executor = executors[claim.key.kind]
        else { return nil }
        let started = Date()
        let lease = LeaseKeeper(jobID: claim.id, owner: owner, leaseSeconds: leaseSeconds, settings: settings)
        lease.start()
        let context = JobContext(
            job: claim, lease: lease, stopRequested: { [self] in isStopping }, report: progress,
            record: { [owner] in try ledger.recordExecution(claim.id, owner: owner, $0) })
        let result: Result<[String: JSONValue], any Error>
        do {
            result = .success(try executor.run(claim, context: context))
        } catch {
            result = .failure(error)
        }
        lease.stop()
        let state: JobOutcome.State
        switch result {
        case .success(let value):
            state = try ledger.succeed(claim.id, owner: owner, result: value) ? .succeeded(result: value) : .lost
        case .failure where isStopping && !lease.isLost:
            state = try ledger.release(claim.id, owner: owner) ? .released : .lost
        case .failure(JobFailure.cancelled), .failure(JobFailure.detached):
            state = .lost
        case .failure(let error):
            let reason = String(describing: error)
            state = try ledger.fail(claim.id, owner: owner, error: reason) ? .failed(error: reason) : .lost
        }
        return JobOutcome(
            id: claim.id, key: claim.key, attempt: claim.attempt, state: state,
            seconds: Date().timeIntervalSince(started))
    }
}
