import ExpctlReconciler
import Foundation
import Synchronization

/// The write end of the pipe the signal handler writes to (-1 when none is installed): a
/// write is safe in a signal handler, and an atomic load is too.
private let signalPipe = Atomic<Int32>(-1)

/// SIGINT and SIGTERM as a request to stop after the current pass, rather than a kill; a
/// second signal kills as usual.
///
/// The handler writes one byte to a pipe; a thread blocked reading it stops the `Wakeup`, so
/// a loop waiting between passes wakes at once, and nothing polls.
final class StopSignal: @unchecked Sendable {
    private let writeEnd: Int32

    private init(writeEnd: Int32) { self.writeEnd = writeEnd }

    /// Replaces the default action (terminate) of both signals with stopping `wakeup`.
    static func install(stopping wakeup: Wakeup) -> StopSignal {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return StopSignal(writeEnd: -1) }
        let stop = StopSignal(writeEnd: ends[1])
        signalPipe.store(ends[1], ordering: .sequentiallyConsistent)
        let reader = ends[0]
        Thread {
            var byte: UInt8 = 0
            // Returns 1 for a signal, 0 when `uninstall` closed the write end.
            if read(reader, &byte, 1) == 1 { wakeup.stop() }
            close(reader)
        }.start()
        // A process started by one that blocks these signals inherits the block: undo it.
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&signals, number)
            signal(number) { received in
                var byte: UInt8 = 1
                _ = write(signalPipe.load(ordering: .sequentiallyConsistent), &byte, 1)
                // A second signal kills, for when a pass hangs.
                signal(received, SIG_DFL)
            }
        }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        return stop
    }

    /// Gives both signals their default action back (the command runs in-process in tests)
    /// and ends the reading thread.
    func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signalPipe.store(-1, ordering: .sequentiallyConsistent)
        // The reader sees end of file, returns and closes its end.
        if writeEnd >= 0 { close(writeEnd) }
    }
}
