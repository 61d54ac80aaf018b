import ExpctlReconciler
import Foundation
import Synchronization

/// The write end of the process's signal pipe (-1 until the first install): the handler
/// writes a byte to it, which is safe in a signal handler, and so is an atomic load.
private let signalPipe = Atomic<Int32>(-1)

/// The loop a signal stops, if one is installed.
private let stopping = Mutex<Wakeup?>(nil)

/// SIGINT and SIGTERM as a request to stop after the current pass, rather than a kill; a
/// second signal kills as usual.
///
/// The handler writes one byte to a pipe; a thread blocked reading it stops the installed
/// `Wakeup`, so a loop waiting between passes wakes at once, and nothing polls. The pipe and
/// its thread are made once per process and never closed, so a late signal can never write
/// to a descriptor that was reused.
struct StopSignal: Sendable {
    /// Replaces the default action (terminate) of both signals with stopping `wakeup`.
    static func install(stopping wakeup: Wakeup) -> StopSignal {
        startReaderOnce()
        stopping.withLock { $0 = wakeup }
        // A process started by one that blocks these signals inherits the block: undo it.
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM] {
            sigaddset(&signals, number)
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(signalPipe.load(ordering: .sequentiallyConsistent), &byte, 1)
                // A second signal, of either kind, kills: for when a pass hangs.
                signal(SIGINT, SIG_DFL)
                signal(SIGTERM, SIG_DFL)
            }
        }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        return StopSignal()
    }

    /// Gives both signals their default action back (the command runs in-process in tests).
    func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        stopping.withLock { $0 = nil }
    }

    private static let started = Mutex(false)

    /// The pipe and the thread that turns its bytes into a stop, once per process.
    private static func startReaderOnce() {
        started.withLock { started in
            guard !started else { return }
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { return }
            started = true
            signalPipe.store(ends[1], ordering: .sequentiallyConsistent)
            let reader = ends[0]
            Thread {
                var byte: UInt8 = 0
                while true {
                    let count = read(reader, &byte, 1)
                    if count == 1 {
                        stopping.withLock { $0?.stop() }
                    } else if count < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }.start()
        }
    }
}
