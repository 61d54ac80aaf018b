import ExpctlReconciler
import Foundation
import Testing

private let revision = SourceRevision(commit: "3f2a9c1e5d7b", refName: "refs/heads/main")

@Suite("The reconcile loop under an injected clock")
struct LoopTests {
    @Test func passesAreAnIntervalApartAndAWakeStartsTheNextAtOnce() throws {
        let clock = TestClock()
        let wakeup = Wakeup()
        let loop = ReconcileLoop(interval: 30, clock: clock, wakeup: wakeup)
        var passTimes: [Date] = []
        let end = loop.run { () -> PassOutcome in
            passTimes.append(clock.now())
            switch passTimes.count {
            case 2: wakeup.wake()  // a webhook arrives during the second pass
            case 4: wakeup.stop()
            default: break
            }
            return .converged(revision)
        }
        guard case .stopped(.converged?) = end else {
            Issue.record("\(end)")
            return
        }
        #expect(passTimes.count == 4)
        #expect(clock.waits.map(\.seconds) == [30, 30, 30, 30])
        #expect(clock.waits.map(\.reason) == [.deadline, .woken, .deadline, .stopped])
        // The third pass ran right after the second: woken, not after the interval.
        #expect(passTimes[1].timeIntervalSince(passTimes[0]) == 30)
        #expect(passTimes[2] == passTimes[1])
        #expect(passTimes[3].timeIntervalSince(passTimes[2]) == 30)
    }

    @Test func jitterAddsUpToItsShareOfTheIntervalToEachWaitButNotToBackoff() {
        let clock = TestClock()
        let wakeup = Wakeup()
        var draws = [0.5, 0.0, 0.999].makeIterator()
        let loop = ReconcileLoop(
            interval: 60, firstRetry: 1, jitter: 0.1, clock: clock, wakeup: wakeup, random: { draws.next() ?? 0 })
        var passes = 0
        _ = loop.run { () -> PassOutcome in
            passes += 1
            if passes == 5 { wakeup.stop() }
            return passes == 3 ? .transient(.source(ServerDown())) : .converged(revision)
        }
        // 60 + 0.5·6, 60 + 0, then a backoff of 1 s (no jitter), then 60 + 0.999·6.
        let waits = clock.waits.map { ($0.seconds * 1000).rounded() / 1000 }
        #expect(waits == [63, 60, 1, 65.994, 60])
    }

    @Test func transientFailuresBackOffUpToTheIntervalAndASuccessResets() {
        let clock = TestClock()
        let wakeup = Wakeup()
        let loop = ReconcileLoop(interval: 10, firstRetry: 1, clock: clock, wakeup: wakeup)
        var passes = 0
        _ = loop.run { () -> PassOutcome in
            passes += 1
            if passes == 8 { wakeup.stop() }
            return passes <= 5 || passes == 7 ? .transient(.database(ServerDown())) : .applied(revision, ApplyReport(
                runID: 1, ledgerActions: 0, registryActions: 0, databaseActions: 1, created: 1, updated: 0, retired: 0), remaining: Remaining())
        }
        #expect(clock.waits.map(\.seconds) == [1, 2, 4, 8, 10, 10, 1, 10])
    }

    @Test func onceRunsOnePassAndAStopBeforeTheFirstRunsNone() {
        let clock = TestClock()
        let loop = ReconcileLoop(interval: 30, clock: clock)
        guard case .once(.converged) = loop.run(once: true, { .converged(revision) }) else {
            Issue.record("not once")
            return
        }
        #expect(clock.waits.isEmpty)
        let stopped = Wakeup()
        stopped.stop()
        var ran = false
        guard case .stopped(nil) = ReconcileLoop(interval: 30, clock: clock, wakeup: stopped).run({ ran = true; return .converged(revision) }) else {
            Issue.record("not stopped")
            return
        }
        #expect(!ran)
    }

    @Test func theSystemClockWakesAtOnceWhenWokenOrStopped() {
        let clock = SystemClock()
        let wakeup = Wakeup()
        let started = Date()
        DispatchQueue.global().async { wakeup.wake() }
        #expect(clock.wait(until: started.addingTimeInterval(60), on: wakeup) == .woken)
        DispatchQueue.global().async { wakeup.stop() }
        #expect(clock.wait(until: started.addingTimeInterval(60), on: wakeup) == .stopped)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(SystemClock().wait(until: Date().addingTimeInterval(0.01), on: Wakeup()) == .deadline)
    }
}
