import Synchronization

/// How long the calls to the servers expctl depends on take (a PostgreSQL statement, an MLflow
/// request), for whoever listens: `expctl serve` turns them into metrics. Process-wide, since
/// connections are made in many places; with no observer, recording costs one lock.
public enum CallTimings {
    /// The server a call went to.
    public enum Server: String, Sendable, Hashable {
        case postgres
        case mlflow
    }

    public typealias Observer = @Sendable (_ server: Server, _ nanoseconds: Int64, _ failed: Bool) -> Void

    private static let observers = Mutex<[Int: Observer]>([:])
    private static let nextToken = Mutex(0)

    /// Adds `observer`; the token takes it away again.
    public static func observe(_ observer: @escaping Observer) -> Int {
        let token = nextToken.withLock { next in
            next += 1
            return next
        }
        observers.withLock { $0[token] = observer }
        return token
    }

    public static func stopObserving(_ token: Int) { _ = observers.withLock { $0.removeValue(forKey: token) } }

    /// Reports one call to every observer.
    public static func record(_ server: Server, nanoseconds: Int64, failed: Bool) {
        let current = observers.withLock { Array($0.values) }
        for observer in current { observer(server, nanoseconds, failed) }
    }

    /// Runs `body` and reports how long it took and whether it threw.
    public static func timed<Result, Failure: Error>(
        _ server: Server, _ body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let started = ContinuousClock.now
        do {
            let result = try body()
            record(server, nanoseconds: nanoseconds(since: started), failed: false)
            return result
        } catch {
            record(server, nanoseconds: nanoseconds(since: started), failed: true)
            throw error
        }
    }

    private static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
    }
}
