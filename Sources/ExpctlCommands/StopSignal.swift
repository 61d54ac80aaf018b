import Foundation
import Synchronization

/// Set by the SIGINT/SIGTERM handler: an atomic store is safe in a signal handler.
private let stopFlag = Atomic<Bool>(false)

/// SIGINT and SIGTERM as a request to stop after the current pass, rather than a kill; a
/// second signal kills as usual.
struct StopSignal: Sendable {
    /// Replaces the default action (terminate) of both signals with setting the stop flag.
    static func install() -> StopSignal {
        stopFlag.store(false, ordering: .relaxed)
        // A process started by one that blocks these signals inherits the block: undo it.
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&signals, number)
            signal(number) { received in
                stopFlag.store(true, ordering: .relaxed)
                // A second signal kills, for when a pass hangs.
                signal(received, SIG_DFL)
            }
        }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        return StopSignal()
    }

    /// Gives both signals their default action back (the command runs in-process in tests).
    func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    var requested: Bool { stopFlag.load(ordering: .relaxed) }

    /// Waits up to `seconds`, waking early when a stop is requested; false when it was.
    func sleep(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !requested, Date() < deadline { Thread.sleep(forTimeInterval: min(0.1, max(0, deadline.timeIntervalSinceNow))) }
        return !requested
    }
}
