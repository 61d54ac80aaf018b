public import ExpctlJobs
public import ExpctlReconciler
import Foundation
public import ServiceLifecycle

/// The reconcile loop as a service of the service group: its passes run on a thread of their
/// own (every step blocks on libpq, libcurl or libgit2, which must not tie up the two threads
/// of Swift's cooperative pool), beside the job worker. A graceful shutdown (SIGTERM) lets the
/// pass under way finish, gives a running job back to the ledger (its lease lets another
/// reconciler reclaim it), and then returns.
public final class ReconcileService: Service, @unchecked Sendable {
    // Immutable after init; `loop` and `pass` are used on the loop's thread only.
    private let loop: ReconcileLoop
    private let pass: () throws -> PassOutcome
    private let worker: JobWorker?

    /// - Parameters:
    ///   - pass: one pass (`ReconcilerSession.pass`); a thrown error ends the service, and with
    ///     it the process (another reconciler holds the lock, the schema is too new).
    ///   - worker: the job worker, started and stopped with the loop; nil with `--skip-jobs`.
    public init(loop: ReconcileLoop, worker: JobWorker?, pass: @escaping () throws -> PassOutcome) {
        self.loop = loop
        self.worker = worker
        self.pass = pass
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
        let result: Result<Void, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                let result = runLoop()
                // Stopping the worker waits for its thread: done here, not on the cooperative pool.
                if started { worker?.stop() }
                continuation.resume(returning: result)
            }
            thread.name = "expctl-reconcile"
            thread.start()
        }
        try result.get()
    }

    /// Passes until stopped; stopped while waiting for the lock is a stop too.
    /// The worker starts after the first pass, which migrates the schema it reads. Loop thread only.
    private var started = false

    private func runLoop() -> Result<Void, any Error> {
        do {
            _ = try loop.run {
                let outcome = try pass()
                if !started {
                    worker?.start()
                    started = true
                }
                worker?.wake()
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
