import Foundation

/// Runs independent registry writes on a few threads, each with its own client (a transport
/// is confined to one thread), while the calling thread records what completes.
///
/// MLflow takes one request per tag, so a plan that promotes many versions is mostly waiting
/// on the server; a server with several workers answers several requests at once. (A
/// single-worker server does not: `expctl-bench mlflow` measured 4 at once 20% slower.) A
/// failure stops handing out work; what is under way finishes and is reported before the
/// failure.
final class ConcurrentWrites<Item: Sendable>: @unchecked Sendable {
    private let items: [Item]
    private let perform: (MLflowClient, Item) throws -> String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var next = 0
    private var running = 0
    private var done: [String] = []
    private var failure: RegistryActionFailureBox?
    private var stopped = false

    /// `perform` carries out one item with the client given and returns its id.
    init(_ items: [Item], perform: @escaping (MLflowClient, Item) throws -> String) {
        self.items = items
        self.perform = perform
    }

    /// Runs every item on `workers` (one thread each), calling `completed` on this thread with
    /// the ids done as they finish. Rethrows the first failure (of `perform` or `completed`)
    /// once every thread has stopped.
    func run(on workers: [MLflowClient], completed: ([String]) throws -> Void) throws {
        precondition(!workers.isEmpty, "ConcurrentWrites needs at least one client")
        running = workers.count
        for client in workers {
            let handedOver = HandedOver(client: client)
            Thread { [self] in work(handedOver.client) }.start()
        }
        while true {
            condition.lock()
            while done.isEmpty && running > 0 { condition.wait() }
            let finished = done
            done = []
            let allStopped = running == 0
            // Once recording failed, what finishes later is not recorded either.
            let recording = !(failure?.fromRecording ?? false)
            condition.unlock()
            if !finished.isEmpty, recording {
                do {
                    try completed(finished)
                } catch {
                    stop(with: RegistryActionFailureBox(error: error, fromRecording: true))
                }
            }
            if allStopped { break }
        }
        if let failure { throw failure.error }
    }

    private func work(_ client: MLflowClient) {
        while let item = take() {
            do {
                let id = try perform(client, item)
                condition.lock()
                done.append(id)
                condition.signal()
                condition.unlock()
            } catch {
                stop(with: RegistryActionFailureBox(error: error))
            }
        }
        condition.lock()
        running -= 1
        condition.signal()
        condition.unlock()
    }

    private func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped, next < items.count else { return nil }
        next += 1
        return items[next - 1]
    }

    /// Hands out no more work; the first failure is the one reported.
    private func stop(with failure: RegistryActionFailureBox) {
        condition.lock()
        stopped = true
        if self.failure == nil { self.failure = failure }
        condition.signal()
        condition.unlock()
    }
}

/// A client given to exactly one thread, which alone uses it until `run` returns.
private struct HandedOver: @unchecked Sendable {
    let client: MLflowClient
}

/// An error carried between threads.
private struct RegistryActionFailureBox: @unchecked Sendable {
    var error: any Error
    /// Whether `completed` threw (rather than a write).
    var fromRecording = false
}
