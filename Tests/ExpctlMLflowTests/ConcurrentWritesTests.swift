import ExpctlHTTP
@testable import ExpctlMLflow
import Foundation
import Testing

/// Clients that are never asked anything: the items' work below does not use them.
private func idleClients(_ count: Int) -> [MLflowClient] {
    (0..<count).map { _ in MLflowClient(settings: MLflowSettings(trackingURI: "http://127.0.0.1:1"), transport: CurlTransport()) }
}

private struct Refused: Error {}

@Suite("Registry writes on several threads")
struct ConcurrentWritesTests {
    @Test func everyItemRunsOnceAndIsReportedOnTheCallingThread() throws {
        let caller = Thread.current
        var reported: [String] = []
        let writes = ConcurrentWrites(Array(0..<200)) { _, item in
            Thread.sleep(forTimeInterval: 0.0005)
            return "item \(item)"
        }
        try writes.run(on: idleClients(4)) { ids in
            #expect(Thread.current == caller)
            reported += ids
        }
        #expect(reported.sorted() == (0..<200).map { "item \($0)" }.sorted())
    }

    @Test func aFailureStopsNewWorkAndWhatFinishedIsStillReported() throws {
        let started = Counter()
        var reported: [String] = []
        let writes = ConcurrentWrites(Array(0..<1_000)) { _, item in
            started.increment()
            if item == 5 { throw Refused() }
            Thread.sleep(forTimeInterval: 0.001)
            return "item \(item)"
        }
        #expect(throws: Refused.self) { try writes.run(on: idleClients(4)) { reported += $0 } }
        #expect(started.value < 50)
        #expect(reported.count == started.value - 1)
        #expect(!reported.contains("item 5"))
    }

    @Test func aFailureToRecordStopsTheWrites() throws {
        let started = Counter()
        let writes = ConcurrentWrites(Array(0..<1_000)) { _, item in
            started.increment()
            Thread.sleep(forTimeInterval: 0.001)
            return "item \(item)"
        }
        var calls = 0
        #expect(throws: Refused.self) {
            try writes.run(on: idleClients(3)) { _ in
                calls += 1
                throw Refused()
            }
        }
        #expect(started.value < 50)
        // What finishes after recording failed is not offered for recording again.
        #expect(calls == 1)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
