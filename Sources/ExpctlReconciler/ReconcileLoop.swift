import Foundation

/// Runs passes one after another: the interval between them, a backoff after transient
/// failures, woken early by `wakeup.wake()` (a webhook will), ended by `wakeup.stop()` (a
/// signal) once the current pass is done. Time comes from the injected clock.
public final class ReconcileLoop {
    /// Seconds between passes.
    public let interval: Double
    /// The wait after the first transient failure in a row; it doubles with each further one,
    /// up to the interval.
    public let firstRetry: Double
    public let clock: any ReconcileClock
    public let wakeup: Wakeup
    /// Up to this fraction of the interval is added at random to each wait between passes,
    /// so that replicas started together do not pass in step (Argo CD's jitter).
    public let jitter: Double
    /// A number in 0..<1 for the jitter; tests inject a fixed one.
    private let random: () -> Double

    public init(
        interval: Double, firstRetry: Double = 1, jitter: Double = 0, clock: any ReconcileClock = SystemClock(),
        wakeup: Wakeup = Wakeup(), random: @escaping () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.interval = interval
        self.firstRetry = min(firstRetry, interval)
        self.jitter = max(0, jitter)
        self.clock = clock
        self.wakeup = wakeup
        self.random = random
    }

    /// How a loop ended.
    public enum End {
        /// `once`: the one pass's outcome.
        case once(PassOutcome)
        /// Stopped between or during passes; the last outcome, if a pass ran.
        case stopped(last: PassOutcome?)
    }

    /// Runs `pass` until stopped (or once). `pass` may throw to end the loop (a lock another
    /// reconciler holds); `waited` is told of each wait and how it ended.
    public func run(
        once: Bool = false, waited: (_ seconds: Double, _ reason: WakeReason) -> Void = { _, _ in },
        _ pass: () throws -> PassOutcome
    ) rethrows -> End {
        var failures = 0
        var last: PassOutcome?
        while true {
            if wakeup.isStopped { return .stopped(last: last) }
            let outcome = try pass()
            last = outcome
            if once { return .once(outcome) }
            if case .transient = outcome { failures += 1 } else { failures = 0 }
            let delay = self.delay(afterFailures: failures) + (failures == 0 ? interval * jitter * random() : 0)
            let reason = clock.wait(until: clock.now().addingTimeInterval(delay), on: wakeup)
            waited(delay, reason)
            if reason == .stopped { return .stopped(last: last) }
        }
    }

    /// The interval, or after `failures` transient failures in a row, `firstRetry` doubled for
    /// each but the first, up to the interval.
    public func delay(afterFailures failures: Int) -> Double {
        guard failures > 0 else { return interval }
        return min(interval, firstRetry * pow(2, Double(min(failures - 1, 30))))
    }
}
