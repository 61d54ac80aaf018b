import Foundation

/// Runs the ledger's jobs beside the reconcile loop, on a thread of its own, so that a long
/// training never holds back another experiment's change: it claims and runs jobs until none is
/// claimable, then sleeps until woken (a pass recorded new jobs) or `pollSeconds` pass (another
/// process may have recorded some), and calls `finished` after each job so that the loop can
/// plan what the job unblocked.
public final class JobWorker: @unchecked Sendable {
    private let runner: JobRunner
    private let pollSeconds: Double
    private let finished: @Sendable (JobOutcome) -> Void
    private let failed: @Sendable (any Error) -> Void
    private let condition = NSCondition()
    private var woken = false
    private var stopping = false
    private var running = false

    public init(
        runner: JobRunner, pollSeconds: Double = 30, finished: @escaping @Sendable (JobOutcome) -> Void,
        failed: @escaping @Sendable (any Error) -> Void
    ) {
        self.runner = runner
        self.pollSeconds = pollSeconds
        self.finished = finished
        self.failed = failed
    }

    public func start() {
        condition.lock()
        running = true
        condition.unlock()
        Thread.detachNewThread { [self] in work() }
    }

    /// Asks for a look at the ledger now.
    public func wake() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the job under way (given back to the ledger, pending) and returns once the thread
    /// is done.
    public func stop() {
        runner.requestStop()
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    /// Runs jobs on the caller's thread until none is claimable (`reconcile --once`).
    public func runUntilIdle() {
        while true {
            do {
                guard let outcome = try runner.runAll(limit: 1).first else { return }
                finished(outcome)
            } catch {
                failed(error)
                return
            }
        }
    }

    private func work() {
        while true {
            condition.lock()
            let stop = stopping
            woken = false
            condition.unlock()
            if stop { break }
            do {
                let outcomes = try runner.runAll(limit: 1)
                if let outcome = outcomes.first {
                    finished(outcome)
                    continue
                }
            } catch {
                failed(error)
            }
            condition.lock()
            if !woken && !stopping { _ = condition.wait(until: Date(timeIntervalSinceNow: pollSeconds)) }
            condition.unlock()
        }
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
