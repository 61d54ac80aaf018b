import ExpctlModel
import ExpctlPostgres

/// The COPY rows of simulated traffic: the temporary table of the run's units and the events,
/// built as bytes in one reused buffer (a million events are written in seconds only so).
final class TrafficRows {
    static let unitColumns = "n, unit_id, variant_id, bucket, assigned_at, dropped"
    static let eventColumns =
        "event_type, unit_type, unit_id, experiment_id, variant_id, policy_version_id, context, metrics, payload,"
        + " occurred_at, received_at"
    /// What every traffic event carries in `context`: `--replace` deletes these and no others.
    static let context = Array(#"{"source":"simulate","traffic":true}"#.utf8)

    private let seed: UInt64
    private let config: TrafficConfig
    private let unitType: [UInt8]
    private let experimentID: [UInt8]
    private let variantIDs: [[UInt8]]
    private let policyVersionIDs: [[UInt8]?]
    private var scratch: [UInt8] = []

    init(seed: UInt64, config: TrafficConfig, experiment: TrafficExperiment) {
        self.seed = seed
        self.config = config
        unitType = Array(experiment.unitType.utf8)
        experimentID = Array(experiment.id.utf8)
        variantIDs = experiment.variants.map { Array($0.id.utf8) }
        policyVersionIDs = experiment.variants.map { $0.policyVersionID.map { Array($0.utf8) } }
        scratch.reserveCapacity(256)
    }

    /// A row of the units table: the unit, the variant its bucket gives (NULL outside the
    /// allocations), its bucket, its first visit and whether its row is to be dropped.
    func unit(
        offset: Int, variant: Int?, bucket: Int, assignedAt: Int64, dropped: Bool, _ rows: CopyInWriter
    ) throws {
        rows.append(offset)
        try unitID(offset, rows)
        if let variant { try rows.append(utf8: variantIDs[variant]) } else { rows.appendNull() }
        rows.append(bucket)
        try time(assignedAt, rows)
        try rows.append(dropped ? "t" : "f")
        try rows.endRow()
    }

    /// One event of a unit of `variant`.
    func event(_ event: TrafficEvent, variant: Int, _ rows: CopyInWriter) throws {
        try rows.append(event.accepted ? "plan_accepted" : "plan_generated")
        try rows.append(utf8: unitType)
        try unitID(Int(event.unitOffset), rows)
        try rows.append(utf8: experimentID)
        try rows.append(utf8: variantIDs[variant])
        if let policyVersion = policyVersionIDs[variant] {
            try rows.append(utf8: policyVersion)
        } else {
            rows.appendNull()
        }
        try rows.append(utf8: Self.context)
        scratch.removeAll(keepingCapacity: true)
        if event.accepted {
            scratch.append(#"{"edit_count":"#)
            scratch.appendDecimal(Int(event.count))
        } else {
            scratch.append(#"{"cost_usd":"#)
            scratch.appendMicros(Int(event.costMicros))
            scratch.append(#","latency_ms":"#)
            scratch.appendDecimal(Int(event.latencyMS))
            scratch.append(#","validator_interventions":"#)
            scratch.appendDecimal(Int(event.count))
        }
        scratch.append("}")
        try rows.append(utf8: scratch)
        scratch.removeAll(keepingCapacity: true)
        scratch.append(#"{"plan_id":""#)
        TrafficModel.planID(
            seed: seed, unit: config.firstUnit + Int(event.unitOffset), visit: Int(event.visit), into: &scratch)
        scratch.append(#""}"#)
        try rows.append(utf8: scratch)
        try time(event.time, rows)
        try time(event.time, rows)
        try rows.endRow()
    }

    private func unitID(_ offset: Int, _ rows: CopyInWriter) throws {
        scratch.removeAll(keepingCapacity: true)
        scratch.append("unit-")
        scratch.appendDecimal(config.firstUnit + offset)
        try rows.append(utf8: scratch)
    }

    private func time(_ seconds: Int64, _ rows: CopyInWriter) throws {
        scratch.removeAll(keepingCapacity: true)
        scratch.appendRFC3339(Timestamp(seconds: seconds))
        try rows.append(utf8: scratch)
    }
}

extension [UInt8] {
    /// Millionths as a decimal with six places: 4213 → `0.004213`.
    mutating func appendMicros(_ micros: Int) {
        appendDecimal(micros / 1_000_000)
        append(UInt8(ascii: "."))
        appendPadded(micros % 1_000_000, width: 6)
    }
}
