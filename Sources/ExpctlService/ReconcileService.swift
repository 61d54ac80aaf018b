public import ExpctlJobs
public import ExpctlReconciler
import Foundation
public import ServiceLifecycle

/// The reconcile loop as a service of the service group: its passes run on a thread of their
/// own (every step blocks on libpq, libcurl or libgit2, which must not tie up the two threads
/// of Swift's cooperative pool), beside the job worker. A graceful shutdown (SIGTERM) lets the
/// pass under way finish, gives a running job back to the ledger (its lease lets another
/// reconciler reclaim it), and then returns.
///
/// Jobs run only while this replica leads: a worker starts when the session takes the lock
/// and stops when it loses it. A watch asks the session's connection every `watchSeconds`
/// between passes whether it still holds the lock, so a leader whose database went away
/// stops running jobs before the server lets a standby take the lock.
public final class ReconcileService: Service, @unchecked Sendable {
    // Immutable after init; `loop` and `pass` are used on the loop's thread only.
    private let loop: ReconcileLoop
    private let pass: () throws -> PassOutcome
    private let checkLeadership: () -> Void
    private let leadership: Leadership
    private let watchSeconds: Double
    private let workers: WorkerTerm

    /// - Parameters:
    ///   - pass: one pass (`ReconcilerSession.pass`); a thrown error ends the service, and with
    ///     it the process (another reconciler holds the lock, the schema is too new).
    ///   - makeWorker: a job worker for one term as leader; nil with `--skip-jobs`.
    ///   - checkLeadership: `ReconcilerSession.checkLeadership`, run by the watch.
    public init(
        loop: ReconcileLoop, leadership: Leadership, makeWorker: (() -> JobWorker)?,
        checkLeadership: @escaping () -> Void = {}, watchSeconds: Double = 2,
        pass: @escaping () throws -> PassOutcome
    ) {
        self.loop = loop
        self.leadership = leadership
        self.pass = pass
        self.checkLeadership = checkLeadership
        self.watchSeconds = watchSeconds
        let workers = WorkerTerm(make: makeWorker)
        self.workers = workers
        // Losing the lock stops the jobs at once, on the thread that found out.
        leadership.observe { role in
            if case .leader = role { return }
            workers.stop()
        }
    }

    /// Wakes the loop for a pass now (a webhook).
    public func wake() { loop.wakeup.wake() }

    public func run() async throws {
        let wakeup = loop.wakeup
        // Cancelled (the group failed) or shut down, the loop is asked to stop the same way.
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await runOnThread()
            } onGracefulShutdown: {
                wakeup.stop()
            }
        } onCancel: {
            wakeup.stop()
        }
    }

    private func runOnThread() async throws {
        let watch = Thread { [self] in watchLeadership() }
        watch.name = "expctl-leadership"
        watch.start()
        let result: Result<Void, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                let result = runLoop()
                // Stopping the worker waits for its thread: done here, not on the cooperative pool.
                workers.stop()
                continuation.resume(returning: result)
            }
            thread.name = "expctl-reconcile"
            thread.start()
        }
        try result.get()
    }

    /// Until the loop stops: every `watchSeconds`, the session checks its lock.
    private func watchLeadership() {
        let wakeup = loop.wakeup
        while !wakeup.isStopped {
            Thread.sleep(forTimeInterval: watchSeconds)
            if leadership.isLeader { checkLeadership() }
        }
    }

    /// Passes until stopped; stopped while waiting for the lock is a stop too. The worker of
    /// a term starts after its first pass, which migrates the schema it reads. Loop thread only.
    private func runLoop() -> Result<Void, any Error> {
        do {
            _ = try loop.run {
                let outcome = try pass()
                if leadership.isLeader { workers.ensureRunning() }
                workers.wake()
                return outcome
            }
            return .success(())
        } catch ReconcilerSession.SessionError.stopped {
            return .success(())
        } catch {
            return .failure(error)
        }
    }
}

/// The job worker of the current term as leader, if any: started once per term, stopped
/// (its running job given back to the ledger) when the term ends.
private final class WorkerTerm: @unchecked Sendable {
    private let make: (() -> JobWorker)?
    private let lock = NSLock()
    private var worker: JobWorker?

    init(make: (() -> JobWorker)?) { self.make = make }

    func ensureRunning() {
        lock.lock()
        defer { lock.unlock() }
        guard worker == nil, let make else { return }
        let started = make()
        started.start()
        worker = started
    }

    func wake() { lock.withLock { worker }?.wake() }

    /// Stops the term's worker, waiting for its thread.
    func stop() {
        let stopping = lock.withLock {
            let current = worker
            worker = nil
            return current
        }
        stopping?.stop()
    }
}
