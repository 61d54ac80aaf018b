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
    private var thread: Thread?

    init(jobID: String, owner: String, leaseSeconds: Double, settings: ConnectionSettings) {
        self.jobID = jobID
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.settings = settings
    }

    var isLost: Bool {
        condition.lock()
        defer { condition.unlock() }
        return lost
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
            do {
                if connection == nil { connection = try PostgresConnection(settings) }
                stillOurs = try JobLedger(connection: connection!).heartbeat(
                    jobID, owner: owner, leaseSeconds: leaseSeconds)
            } catch {
                connection = nil
            }
            condition.lock()
            if !stillOurs { lost = true }
        }
        condition.unlock()
        connection = nil  // closed before stop() returns
        condition.lock()
        thread = nil
        condition.broadcast()
        condition.unlock()
    }
}
