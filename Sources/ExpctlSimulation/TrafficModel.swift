/// A variant's true means, the baseline's scaled by the effects given for it.
public struct TrafficParameters: Sendable, Equatable {
    public var means: [TrafficMetric: Double]

    public init(effects: [TrafficEffect] = []) {
        var means: [TrafficMetric: Double] = [:]
        for metric in TrafficMetric.allCases { means[metric] = metric.baseline }
        for effect in effects { means[effect.metric] = effect.metric.baseline * (1 + effect.relative) }
        self.means = means
    }

    public subscript(metric: TrafficMetric) -> Double { means[metric] ?? metric.baseline }
}

/// One `plan_generated` or `plan_accepted` event of simulated traffic, small enough that a
/// million of them can be held and sorted by time before they are written.
struct TrafficEvent: Sendable, Equatable {
    var time: Int64
    /// The unit's offset from the first unit of the run.
    var unitOffset: UInt32
    var latencyMS: UInt32
    var costMicros: UInt32
    /// The unit's visit: with the unit, it names the plan.
    var visit: UInt16
    /// Validator interventions (generated) or edits (accepted).
    var count: UInt8
    var accepted: Bool
}

/// The pure, seeded model of online traffic: when a unit comes back and what happens to each
/// plan it is shown. Arithmetic only (no libm), like the rest of the simulation, so a seed gives
/// the same events everywhere.
///
/// A unit first arrives at a uniform time in the `days`, then returns every 12 to 132 hours
/// (3 days on average) until they end; each visit generates a plan. The plan is accepted with
/// the variant's acceptance probability, 1 to 120 minutes later, with Binomial(10, mean/10)
/// edits; it drew Binomial(4, mean/4) validator interventions; latency and cost are their means
/// times `1 + 0.25·z` and `1 + 0.2·z` (z a bounded normal). When a unit comes back depends only
/// on the seed and the unit; what happens on a visit draws the same numbers whatever the
/// variant, so two variants differ only by their parameters (common random numbers).
public enum TrafficModel {
    public static let editTrials = 10
    public static let interventionTrials = 4
    static let minimumGap = 12 * 3_600
    static let gapSpread = 120 * 3_600

    /// The times (seconds since the epoch) of the unit's visits in `[start, start + days)`; the
    /// first is when the unit is assigned.
    static func visits(seed: UInt64, unit: Int, start: Int64, days: Int) -> [Int64] {
        var random = SplitMix64(seed: seed, stream: .trafficVisits, index: unit)
        let end = start + Int64(days) * 86_400
        var time = start + Int64(random.below(days * 86_400))
        var times: [Int64] = []
        while time < end, times.count < Int(UInt16.max) {
            times.append(time)
            time += Int64(minimumGap + random.below(gapSpread))
        }
        return times
    }

    /// When the unit first visits: its assignment time.
    static func firstVisit(seed: UInt64, unit: Int, start: Int64, days: Int) -> Int64 {
        var random = SplitMix64(seed: seed, stream: .trafficVisits, index: unit)
        return start + Int64(random.below(days * 86_400))
    }

    /// The events of one visit: its `plan_generated` and, if accepted, its `plan_accepted`.
    static func events(
        seed: UInt64, unit: Int, unitOffset: UInt32, visit: Int, at time: Int64, _ parameters: TrafficParameters,
        into events: inout [TrafficEvent]
    ) {
        var random = SplitMix64(seed: seed, stream: .trafficOutcomes, index: unit, subindex: visit)
        let accepted = random.unit() < parameters[.planAcceptanceRate]
        let delay = Int64(random.int(in: 60...7_200))
        let edits = binomial(&random, trials: editTrials, mean: parameters[.editCount])
        let interventions = binomial(&random, trials: interventionTrials, mean: parameters[.validatorInterventionRate])
        let latency = max(1, (parameters[.latencyMS] * (1 + 0.25 * random.quickNormal())).rounded())
        let cost = max(1, (parameters[.costUSD] * 1e6 * (1 + 0.2 * random.quickNormal())).rounded())
        let generated = TrafficEvent(
            time: time, unitOffset: unitOffset, latencyMS: UInt32(min(latency, 4e9)),
            costMicros: UInt32(min(cost, 4e9)),
            visit: UInt16(visit), count: UInt8(interventions), accepted: false)
        events.append(generated)
        if accepted {
            events.append(
                TrafficEvent(
                    time: time + delay, unitOffset: unitOffset, latencyMS: 0, costMicros: 0, visit: UInt16(visit),
                    count: UInt8(edits), accepted: true))
        }
    }

    /// Binomial(trials, mean/trials) from `trials` uniforms: the same draws whatever the mean.
    static func binomial(_ random: inout SplitMix64, trials: Int, mean: Double) -> Int {
        let probability = mean / Double(trials)
        var successes = 0
        for _ in 0..<trials where random.unit() < probability { successes += 1 }
        return successes
    }

    /// Every event of the units, `(offset, parameters)` each, sorted by time (then unit, visit,
    /// generated before accepted), as an event stream would have recorded them.
    static func events(
        seed: UInt64, firstUnit: Int, start: Int64, days: Int, units: [(offset: Int, parameters: TrafficParameters)]
    ) -> [TrafficEvent] {
        var events: [TrafficEvent] = []
        events.reserveCapacity(units.count * max(2, days / 2))
        for (offset, parameters) in units {
            let unit = firstUnit + offset
            for (visit, time) in visits(seed: seed, unit: unit, start: start, days: days).enumerated() {
                Self.events(
                    seed: seed, unit: unit, unitOffset: UInt32(offset), visit: visit, at: time, parameters,
                    into: &events)
            }
        }
        events.sort { a, b in
            if a.time != b.time { return a.time < b.time }
            if a.unitOffset != b.unitOffset { return a.unitOffset < b.unitOffset }
            if a.visit != b.visit { return a.visit < b.visit }
            return !a.accepted && b.accepted
        }
        return events
    }

    /// Whether a newly assigned unit's assignment row is dropped (`--drop`), from its own stream.
    static func dropped(seed: UInt64, unit: Int, share: Double) -> Bool {
        guard share > 0 else { return false }
        var random = SplitMix64(seed: seed, stream: .trafficDrops, index: unit)
        return random.unit() < share
    }

    /// The plan id of a visit: UUID-shaped (version 4 bits), from its own stream, as bytes.
    static func planID(seed: UInt64, unit: Int, visit: Int, into bytes: inout [UInt8]) {
        var random = SplitMix64(seed: seed, stream: .trafficPlanIDs, index: unit, subindex: visit)
        let high = random.next() & 0xFFFF_FFFF_FFFF_0FFF | 0x0000_0000_0000_4000
        let low = random.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        func hex(_ value: UInt64, from: Int, count: Int) {
            for index in from..<(from + count) {
                bytes.append(hexDigits[Int(value >> UInt64(60 - index * 4) & 0xF)])
            }
        }
        hex(high, from: 0, count: 8)
        bytes.append(UInt8(ascii: "-"))
        hex(high, from: 8, count: 4)
        bytes.append(UInt8(ascii: "-"))
        hex(high, from: 12, count: 4)
        bytes.append(UInt8(ascii: "-"))
        hex(low, from: 0, count: 4)
        bytes.append(UInt8(ascii: "-"))
        hex(low, from: 4, count: 12)
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
