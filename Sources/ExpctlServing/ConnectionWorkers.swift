public import ExpctlPostgres
import Foundation

/// Blocking libpq work for async callers, on threads of its own: `threads` dedicated threads,
/// each with one connection, take what callers submit from a bounded queue. A thread that finds
/// several items waiting takes up to `maxBatch` and does them in one go (one statement, one
/// transaction: group commit), which is what lets many concurrent requests share few
/// connections.
///
/// Neither NIO's event loops nor Swift's cooperative pool (two threads here) ever run a libpq
/// call: a caller awaits a continuation that a worker thread resumes.
public final class ConnectionWorkers<Item: Sendable, Output: Sendable>: @unchecked Sendable {
    /// Does a batch on a worker's connection: one result per item, in order. A thrown error
    /// fails the whole batch, and the connection is made anew before the next.
    public typealias Process = @Sendable (_ items: [Item], _ connection: PostgresConnection) throws -> [Result<Output, any Error>]

    private struct Pending {
        var item: Item
        var continuation: CheckedContinuation<Output, any Error>
    }

    private let settings: ConnectionSettings
    private let maxBatch: Int
    private let maxPending: Int
    private let process: Process
    private let name: String
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [Pending] = []
    private var stopping = false
    private var running = 0
    private var threadNames: Set<String> = []

    /// - Parameters:
    ///   - maxPending: callers beyond this many waiting are refused at once with
    ///     `ServingError.overloaded`, rather than queued without bound.
    public init(
        settings: ConnectionSettings, threads: Int, maxBatch: Int, maxPending: Int, name: String,
        process: @escaping Process
    ) {
        self.settings = settings
        self.maxBatch = max(1, maxBatch)
        self.maxPending = max(1, maxPending)
        self.process = process
        self.name = name
        for index in 0..<max(1, threads) {
            let threadName = "expctl-\(name)-\(index)"
            threadNames.insert(threadName)
            running += 1
            // Named from inside: on Linux a thread starts with its creator's name, and a name set
            // before `start` does not reach it.
            let thread = Thread { [self] in
                Thread.current.name = threadName
                work()
            }
            thread.start()
        }
    }

    /// Does `item` on a worker thread and returns its output.
    public func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            if stopping || pending.count >= maxPending {
                let stopped = stopping
                condition.unlock()
                continuation.resume(throwing: stopped ? ServingError.stopped : ServingError.overloaded(name))
                return
            }
            pending.append(Pending(item: item, continuation: continuation))
            condition.signal()
            condition.unlock()
        }
    }

    /// Whether the calling thread is one of the workers (for tests: libpq runs only there).
    public func isWorkerThread() -> Bool {
        guard let current = Thread.current.name else { return false }
        return condition.withLock { threadNames.contains(current) }
    }

    /// Finishes what is queued, then ends the threads; returns once they are done.
    public func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        condition.unlock()
    }

    private func work() {
        var connection: PostgresConnection?
        while let batch = next() {
            do {
                if connection == nil { connection = try PostgresConnection(settings) }
                let results = try process(batch.map(\.item), connection!)
                precondition(results.count == batch.count, "a batch of \(batch.count) gave \(results.count) results")
                for (entry, result) in zip(batch, results) { entry.continuation.resume(with: result) }
            } catch {
                // The connection may be broken: the next batch gets a new one.
                connection = nil
                for entry in batch { entry.continuation.resume(throwing: error) }
            }
        }
        condition.lock()
        running -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Up to `maxBatch` waiting items, blocking until there is one; nil once stopping with
    /// nothing left.
    private func next() -> [Pending]? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !stopping { condition.wait() }
        if pending.isEmpty { return nil }
        let count = min(maxBatch, pending.count)
        let batch = Array(pending.prefix(count))
        pending.removeFirst(count)
        return batch
    }
}

/// Why the serving side refused or failed a request before it was done.
public enum ServingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Too many requests wait already for `workers`: try again shortly (503).
    case overloaded(String)
    /// The service is shutting down.
    case stopped
    /// No pass has read the applied state yet (503).
    case notReady

    public var description: String {
        switch self {
        case .overloaded(let workers): "too many requests are waiting for the \(workers) connections; retry shortly"
        case .stopped: "the service is shutting down"
        case .notReady: "the service has not read the applied state yet; retry shortly"
        }
    }
}
