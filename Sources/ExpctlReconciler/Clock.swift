public import Foundation

/// The time a loop reads and waits on. The system clock waits for real; tests inject a clock
/// that moves at once to the deadline, so intervals and backoff are tested without sleeping.
public protocol ReconcileClock: AnyObject {
    func now() -> Date
    /// Waits until `deadline` unless `wakeup` is woken or stopped first; says which happened.
    func wait(until deadline: Date, on wakeup: Wakeup) -> WakeReason
}

public enum WakeReason: Sendable, Hashable {
    case deadline
    /// Woken early (a webhook, a test).
    case woken
    /// Asked to stop (SIGINT, SIGTERM).
    case stopped
}

/// Wakes a waiting loop early, or stops it. Safe to call from any thread.
public final class Wakeup: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pendingWake = false
    private var stopRequested = false

    public init() {}

    /// Ends the current wait at once (or the next one, if none is under way).
    public func wake() {
        condition.lock()
        pendingWake = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the current wait and every later one: the loop finishes its pass and returns.
    public func stop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        condition.unlock()
    }

    public var isStopped: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    /// A stop, else a wake not yet waited on (consumed), else nil.
    public func take() -> WakeReason? {
        condition.lock()
        defer { condition.unlock() }
        if stopRequested { return .stopped }
        if pendingWake {
            pendingWake = false
            return .woken
        }
        return nil
    }

    /// Blocks until `deadline` (by the system's clock), a wake or a stop.
    func wait(until deadline: Date) -> WakeReason {
        condition.lock()
        defer { condition.unlock() }
        while !stopRequested, !pendingWake {
            if !condition.wait(until: deadline) { return stopRequested ? .stopped : (pendingWake ? consumeWake() : .deadline) }
        }
        return stopRequested ? .stopped : consumeWake()
    }

    private func consumeWake() -> WakeReason {
        pendingWake = false
        return .woken
    }
}

/// The system's clock.
public final class SystemClock: ReconcileClock {
    public init() {}
    public func now() -> Date { Date() }
    public func wait(until deadline: Date, on wakeup: Wakeup) -> WakeReason { wakeup.wait(until: deadline) }
}
