import ExpctlModel
import Testing

@testable import ExpctlSimulation

/// The pure helpers behind the writer.
@Suite("Simulation internals")
struct InternalsTests {
    @Test func timestampsRenderAsTheModelPrintsThem() {
        var random = SplitMix64(seed: 3)
        for seconds in [0, 1_735_689_600, 951_782_400, 4_102_444_799]
            + (0..<500).map({ _ in Int64(random.below(4_000_000_000)) })
        {
            var bytes: [UInt8] = []
            bytes.appendRFC3339(Timestamp(seconds: Int64(seconds)))
            #expect(String(decoding: bytes, as: UTF8.self) == Timestamp(seconds: Int64(seconds)).description)
        }
    }

    @Test func jsonTextIsEscapedAndNumbersAreDecimal() {
        var bytes: [UInt8] = []
        bytes.appendJSONArray(["plain", #"quo"te"#, #"back\slash"#, "tab\there", "ünï"])
        bytes.append(",")
        bytes.appendDecimal(-407)
        bytes.append(",")
        bytes.appendPadded(7, width: 3)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"["plain","quo\"te","back\\slash","tab\u0009here","ünï"],-407,007"#)
        #expect(
            JSONValue(
                parsing: String(decoding: bytes.prefix { $0 != UInt8(ascii: "]") } + [UInt8(ascii: "]")], as: UTF8.self)
            )
                == .array([
                    .string("plain"), .string(#"quo"te"#), .string(#"back\slash"#), .string("tab\there"),
                    .string("ünï"),
                ]))
    }

    /// Events leave the queue in time order, an acceptance after its generation, and one due
    /// after the cut waits for the next drain.
    @Test func theQueueHandsOutEventsInTimeOrder() {
        func session(_ id: String, at seconds: Int64, acceptedAfter delay: Int64?) -> PlanSession {
            let plan = WeeklyPlan(meals: [])
            return PlanSession(
                planID: id, generatedAt: Timestamp(seconds: seconds), workflow: .planFirst, mode: nil,
                policyVersion: "p@1", generated: plan, latencyMS: 1, costUSD: 0,
                acceptance: delay.map {
                    Acceptance(acceptedAt: Timestamp(seconds: seconds + $0), plan: plan, edits: [])
                })
        }
        var queue = EventQueue()
        queue.add(session("late", at: 500, acceptedAfter: 600), household: 2)
        queue.add(session("early", at: 100, acceptedAfter: 50), household: 1)
        queue.add(session("tie", at: 100, acceptedAfter: nil), household: 0)
        var out: [String] = []
        func record(_ session: PlanSession, _ household: String, _ acceptance: Acceptance?) {
            out.append("\(session.planID)/\(household)/\(acceptance == nil ? "generated" : "accepted")")
        }
        queue.drain(before: 1_000, record)
        #expect(
            out == [
                "tie/h000001/generated", "early/h000002/generated", "early/h000002/accepted", "late/h000003/generated",
            ])
        #expect(!queue.isEmpty)
        queue.drain(before: nil, record)
        #expect(out.last == "late/h000003/accepted")
        #expect(queue.isEmpty)
    }

    @Test func planIDsAreUUIDShaped() {
        var random = SplitMix64(seed: 9)
        for _ in 0..<100 {
            let id = PlanSchedule.uuidText(&random)
            let groups = id.split(separator: "-")
            #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
            #expect(groups[2].first == "4")
            #expect("89ab".contains(groups[3].first!))
        }
    }

    @Test func theQuickNormalHasMeanZeroAndUnitVariance() {
        var random = SplitMix64(seed: 5)
        let draws = (0..<100_000).map { _ in random.quickNormal() }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)
        #expect(abs(mean) < 0.02)
        #expect(abs(variance - 1) < 0.03)
    }
}
