import ExpctlPostgres
import ExpctlStore
import Foundation

/// Renews a claimed job's lease by heartbeat on a thread of its own, with a connection of its
/// own, while the job runs on the caller's thread; notices when the job is no longer ours
/// (cancelled, or reclaimed after a lease that expired anyway).
final class LeaseKeeper: @unchecked Sendable {
    private let jobID: String
    private let owner: String
    private let leaseSeconds: Double
    private let settings: ConnectionSettings
    private let condition = NSCondition()
    private var stopped = false
    private var lost = false
    private var cancelled = false
    private var renewed = Date()
    private var thread: Thread?

    init(jobID: String, owner: String, leaseSeconds: Double, settings: ConnectionSettings) {
        self.jobID = jobID
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.settings = settings
    }

    /// The job is no longer ours: cancelled, reclaimed, or its lease not renewed for four fifths
    /// of it (the database away; a heartbeat comes every third), so that this runner stops
    /// acting on the job before the lease runs out and another runner may claim it.
    var isLost: Bool {
        condition.lock()
        defer { condition.unlock() }
        return lost || Date().timeIntervalSince(renewed) > leaseSeconds * 0.8
    }

    /// Lost because the ledger cancelled the job (`jobs cancel`, a plan's retire), not because
    /// another runner may take it over.
    var wasCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    func start() {
        let thread = Thread { [self] in beat() }
        thread.name = "expctl lease \(jobID)"
        self.thread = thread
        thread.start()
    }

    /// Stops renewing; returns once the heartbeat thread is done with its connection.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while thread != nil { condition.wait() }
        condition.unlock()
    }

    /// Heartbeats every third of the lease. A failed heartbeat (the database away) is retried
    /// at the next beat: the lease only runs out if the database stays away for most of it.
    private func beat() {
        var connection: PostgresConnection?
        condition.lock()
        while !stopped {
            _ = condition.wait(until: Date(timeIntervalSinceNow: leaseSeconds / 3))
            if stopped { break }
            condition.unlock()
            var stillOurs = true
            var cancelledInLedger = false
            var beat = false
            do {
                if connection == nil { connection = try PostgresConnection(settings) }
                let ledger = JobLedger(connection: connection!)
                stillOurs = try ledger.heartbeat(jobID, owner: owner, leaseSeconds: leaseSeconds)
                beat = true
                if !stillOurs { cancelledInLedger = try ledger.isCancelled(jobID) }
            } catch {
                connection = nil
            }
            condition.lock()
            if beat && stillOurs { renewed = Date() }
            if !stillOurs {
                lost = true
                cancelled = cancelledInLedger
            }
        }
        condition.unlock()
        connection = nil  // closed before stop() returns
        condition.lock()
        thread = nil
        condition.broadcast()
        condition.unlock()
    }
}
