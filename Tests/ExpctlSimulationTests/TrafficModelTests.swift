import ExpctlModel
import Testing

@testable import ExpctlSimulation

/// The traffic model alone, without a database.
@Suite("The online traffic model")
struct TrafficModelTests {
    private func events(seed: UInt64 = 9, units: Int = 3_000, effects: [TrafficEffect] = []) -> [TrafficEvent] {
        let parameters = TrafficParameters(effects: effects)
        return TrafficModel.events(
            seed: seed, firstUnit: 1, start: 1_735_689_600, days: 14, units: (0..<units).map { ($0, parameters) })
    }

    @Test func theSameSeedGivesTheSameEventsInTimeOrder() {
        let first = events()
        #expect(first == events())
        #expect(first != events(seed: 10))
        #expect(zip(first, first.dropFirst()).allSatisfy { $0.time <= $1.time })
        #expect(first.allSatisfy { $0.time >= 1_735_689_600 })
        #expect(first.filter { !$0.accepted }.allSatisfy { $0.time < 1_735_689_600 + 14 * 86_400 })
        // Every unit's first event is its assignment time.
        for unit in [0, 17, 2_999] {
            let firstEvent = first.first { $0.unitOffset == UInt32(unit) }
            #expect(
                firstEvent?.time
                    == TrafficModel.firstVisit(seed: 9, unit: unit + 1, start: 1_735_689_600, days: 14))
        }
    }

    /// The means are the baseline's, and an effect moves its metric alone by its share.
    @Test func anEffectMovesItsMetricByItsRelativeSize() {
        func means(_ events: [TrafficEvent]) -> (acceptance: Double, edits: Double, latency: Double) {
            let generated = events.filter { !$0.accepted }
            let accepted = events.filter(\.accepted)
            return (
                Double(accepted.count) / Double(generated.count),
                Double(accepted.map { Int($0.count) }.reduce(0, +)) / Double(accepted.count),
                Double(generated.map { Int($0.latencyMS) }.reduce(0, +)) / Double(generated.count)
            )
        }
        let baseline = means(events())
        #expect(abs(baseline.acceptance - 0.6) < 0.01 && abs(baseline.edits - 2) < 0.05)
        #expect(abs(baseline.latency - 450) < 3)
        let treated = means(events(effects: [TrafficEffect(variant: "v", metric: .planAcceptanceRate, relative: 0.1)]))
        #expect(abs(treated.acceptance / baseline.acceptance - 1.1) < 0.01)
        #expect(abs(treated.latency - baseline.latency) < 1e-9, "common random numbers: latency is untouched")
        let slower = means(events(effects: [TrafficEffect(variant: "v", metric: .latencyMS, relative: -0.2)]))
        #expect(abs(slower.latency / baseline.latency - 0.8) < 0.002)
        #expect(slower.acceptance == baseline.acceptance)
    }

    @Test func effectsAndDropsParse() throws {
        let effect = try TrafficEffect(parsing: "leftovers_v2:cost_usd=-0.25")
        #expect(effect == TrafficEffect(variant: "leftovers_v2", metric: .costUSD, relative: -0.25))
        #expect(effect.description == "leftovers_v2:cost_usd=-0.25")
        #expect(try TrafficEffect(parsing: "a:b:edit_count=+1").variant == "a:b")
        #expect(throws: TrafficArgumentError.self) { try TrafficEffect(parsing: "v:edit_count=+4.5") }
        #expect(try TrafficDrop(parsing: "control=0.25") == TrafficDrop(variant: "control", share: 0.25))
        #expect(throws: TrafficArgumentError.self) { try TrafficDrop(parsing: "=0.2") }
    }

    @Test func planIDsAreUUIDShapedAndCostsHaveSixDecimals() {
        var bytes: [UInt8] = []
        TrafficModel.planID(seed: 1, unit: 5, visit: 0, into: &bytes)
        let id = String(decoding: bytes, as: UTF8.self)
        #expect(id.count == 36 && id.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
        #expect(Array(id)[14] == "4" && "89ab".contains(Array(id)[19]))
        var other: [UInt8] = []
        TrafficModel.planID(seed: 1, unit: 5, visit: 1, into: &other)
        #expect(other != bytes)
        var cost: [UInt8] = []
        cost.appendMicros(4_213)
        #expect(String(decoding: cost, as: UTF8.self) == "0.004213")
        #expect(TrafficWriter.experimentSeed(1, "a") != TrafficWriter.experimentSeed(1, "b"))
    }
}
