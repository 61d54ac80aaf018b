import ExpctlPlan
import Testing

@Suite("The model lifecycle state machine")
struct ModelLifecycleTests {
    @Test func candidateNeedsTheOfflineGate() {
        let new = ModelLifecycle(stage: .none)
        #expect(new.move(to: .candidate, offline: .pass, online: nil) == .promote(passed: [.offline]))
        #expect(new.move(to: .candidate, offline: .fail, online: nil) == .blocked(missing: .offline, verdict: .fail))
        #expect(new.move(to: .candidate, offline: nil, online: nil) == .blocked(missing: .offline, verdict: nil))
    }

    @Test func productionNeedsBothGatesAndNoStageIsSkipped() {
        let candidate = ModelLifecycle(stage: .candidate)
        #expect(candidate.move(to: .production, offline: .pass, online: .pass) == .promote(passed: [.offline, .online]))
        #expect(
            candidate.move(to: .production, offline: .pass, online: .inconclusive)
                == .blocked(missing: .online, verdict: .inconclusive))
        // Straight from none: the offline gate is the one missing first.
        let new = ModelLifecycle(stage: .none)
        #expect(new.move(to: .production, offline: nil, online: nil) == .blocked(missing: .offline, verdict: nil))
        #expect(new.move(to: .production, offline: .pass, online: nil) == .blocked(missing: .online, verdict: nil))
    }

    @Test func rollbacksNeedNoGate() {
        let production = ModelLifecycle(stage: .production)
        #expect(production.move(to: .archived, offline: nil, online: nil) == .rollback)
        let archived = production.applying(.rollback, to: .archived)
        #expect(archived.stage == .archived && archived.wasProduction)
        // The earlier version back to production.
        #expect(archived.move(to: .production, offline: nil, online: .fail) == .rollback)
        // A version that never was in production cannot come back that way.
        let retired = ModelLifecycle(stage: .archived)
        #expect(retired.move(to: .production, offline: .pass, online: nil) == .blocked(missing: .online, verdict: nil))
    }

    @Test func retiringACandidateNeedsNoGateAndStayingIsNoMove() {
        #expect(ModelLifecycle(stage: .candidate).move(to: .archived, offline: .fail, online: nil) == .promote(passed: []))
        #expect(ModelLifecycle(stage: .candidate).move(to: .candidate, offline: nil, online: nil) == .stay)
        let blocked = ModelLifecycle(stage: .none)
        #expect(blocked.applying(.blocked(missing: .offline, verdict: nil), to: .candidate) == blocked)
    }
}
