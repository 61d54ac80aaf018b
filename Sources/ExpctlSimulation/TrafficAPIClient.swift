public import ExpctlHTTP
public import ExpctlModel
import Foundation

/// Simulated traffic sent the way an app sends it, through `expctl serve`'s APIs rather than
/// written into the database: each unit asks `POST /v1/assignments` for its variant, then its
/// `plan_generated` and `plan_accepted` events go to `POST /v1/events/batch`, carrying the
/// experiment, variant and policy version ids the assignment answered (docs/service-apis.md).
///
/// The events are those of `TrafficModel`, as `TrafficWriter` writes them; each has a client
/// event id made of the seed, the unit and the visit, so that running the same traffic again
/// is deduplicated by the service instead of counted twice.
public struct TrafficAPIClient: Sendable {
    public var experiment: String
    public var unitType: String
    public var config: TrafficConfig
    /// The service's address, e.g. `http://127.0.0.1:8080`.
    public var baseURL: String
    public var token: String
    public var batchSize: Int
    /// Units assigned at once, each on a thread and connection of its own.
    public var parallelism: Int

    public init(
        experiment: String, unitType: String, config: TrafficConfig, baseURL: String, token: String,
        batchSize: Int = 500, parallelism: Int = 4
    ) {
        self.experiment = experiment
        self.unitType = unitType
        self.config = config
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.batchSize = max(1, batchSize)
        self.parallelism = max(1, parallelism)
    }

    /// What a unit was assigned.
    struct Assigned: Sendable {
        var experimentID: String
        var variantID: String
        var variantName: String
        var policyVersionID: String?
    }

    /// Assigns every unit, then sends their events; the summary counts what the service took.
    public func run() throws -> TrafficAPISummary {
        guard config.drops.isEmpty, !config.replace else { throw TrafficArgumentError(Self.unsupported) }
        let assigned = try assignAll()
        var summary = TrafficAPISummary()
        summary.units = config.units
        var units: [(offset: Int, parameters: TrafficParameters)] = []
        for (offset, assignment) in assigned.enumerated() {
            guard let assignment else {
                summary.outsideAllocations += 1
                continue
            }
            summary.unitsByVariant[assignment.variantName, default: 0] += 1
            let effects = config.effects.filter { $0.variant == assignment.variantName }
            units.append((offset, TrafficParameters(effects: effects)))
        }
        let seed = TrafficWriter.experimentSeed(config.seed, experiment)
        let start = (config.start ?? Timestamp(seconds: Int64(Date().timeIntervalSince1970))).seconds
        let events = TrafficModel.events(
            seed: seed, firstUnit: config.firstUnit, start: start, days: config.days, units: units)
        let transport = CurlTransport(retry: RetryPolicy(maxAttempts: 4))
        var batch: [[String: Any]] = []
        for event in events {
            batch.append(json(event, seed: seed, assigned[Int(event.unitOffset)]!))
            if batch.count == batchSize {
                try send(batch, transport, &summary)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try send(batch, transport, &summary) }
        return summary
    }

    public static let unsupported =
        "--drop and --replace write the database directly: they cannot go through the service's APIs"

    private func assignAll() throws -> [Assigned?] {
        let results = Locked([Assigned?](repeating: nil, count: config.units))
        let failure = Locked<(any Error)?>(nil)
        let group = DispatchGroup()
        for lane in 0..<parallelism {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                let transport = CurlTransport(retry: RetryPolicy(maxAttempts: 4))
                for offset in stride(from: lane, to: config.units, by: parallelism) where failure.value == nil {
                    do {
                        let assignment = try assign(config.unitID(offset), transport)
                        results.update { $0[offset] = assignment }
                    } catch {
                        failure.update { $0 = error }
                    }
                }
            }
        }
        group.wait()
        if let error = failure.value { throw error }
        return results.value
    }

    private func assign(_ unitID: String, _ transport: CurlTransport) throws -> Assigned? {
        let body: [String: Any] = ["unit_type": unitType, "unit_id": unitID, "requested_experiments": [experiment]]
        let answer = try post("/v1/assignments", body, transport)
        guard let assignments = answer["assignments"] as? [[String: Any]] else {
            throw TrafficAPIError("the assignment service answered without assignments: \(answer)")
        }
        guard let assignment = assignments.first else { return nil }
        guard let experimentID = assignment["experiment_id"] as? String,
            let variantID = assignment["variant_id"] as? String,
            let variantName = assignment["variant_name"] as? String
        else { throw TrafficAPIError("an assignment without its ids: \(assignment)") }
        let config = assignment["config"] as? [String: Any]
        return Assigned(
            experimentID: experimentID, variantID: variantID, variantName: variantName,
            policyVersionID: config?["policy_version_id"] as? String)
    }

    private func json(_ event: TrafficEvent, seed: UInt64, _ assigned: Assigned) -> [String: Any] {
        let unit = config.firstUnit + Int(event.unitOffset)
        let metrics: [String: Any] =
            event.accepted
            ? ["edit_count": Int(event.count)]
            : [
                "cost_usd": Double(event.costMicros) / 1_000_000, "latency_ms": Int(event.latencyMS),
                "validator_interventions": Int(event.count),
            ]
        var context: [String: Any] = ["source": "simulate", "traffic": true]
        if let policyVersion = assigned.policyVersionID { context["policy_version_id"] = policyVersion }
        var time: [UInt8] = []
        time.appendRFC3339(Timestamp(seconds: event.time))
        return [
            "event_id": "sim-\(seed)-\(unit)-\(event.visit)-\(event.accepted ? "a" : "g")",
            "event_type": event.accepted ? "plan_accepted" : "plan_generated",
            "unit_type": unitType, "unit_id": config.unitID(Int(event.unitOffset)),
            "experiments": [["experiment_id": assigned.experimentID, "variant_id": assigned.variantID]],
            "context": context, "metrics": metrics, "timestamp": String(decoding: time, as: UTF8.self),
        ]
    }

    private func send(_ batch: [[String: Any]], _ transport: CurlTransport, _ summary: inout TrafficAPISummary) throws {
        let answer = try post("/v1/events/batch", ["events": batch], transport)
        summary.eventsSent += batch.count
        summary.eventsAccepted += answer["accepted"] as? Int ?? 0
        summary.duplicates += answer["duplicates"] as? Int ?? 0
    }

    /// A POST whose answer must be a 2xx JSON object; errors carry the service's message.
    private func post(_ path: String, _ body: [String: Any], _ transport: CurlTransport) throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body)
        // Safe to repeat: assignment is sticky, events carry client ids.
        let request = HTTPRequest(
            method: "POST", url: baseURL + path,
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")], body: Array(data),
            isIdempotent: true)
        let response = try transport.send(request)
        let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard (200..<300).contains(response.status), let object else {
            let error = object?["error"] as? [String: Any]
            let field = (error?["field"] as? String).flatMap { $0.isEmpty ? nil : "\($0): " } ?? ""
            let message = (error?["message"] as? String).map { field + $0 }
                ?? String(decoding: response.body.prefix(300), as: UTF8.self)
            throw TrafficAPIError("POST \(path) answered \(response.status): \(message)")
        }
        return object
    }
}

/// What traffic sent through the APIs did.
public struct TrafficAPISummary: Sendable, Equatable {
    public var units = 0
    public var outsideAllocations = 0
    public var unitsByVariant: [String: Int] = [:]
    public var eventsSent = 0
    /// Stored by the service; `duplicates` it had already (sent by an earlier run).
    public var eventsAccepted = 0
    public var duplicates = 0

    public init() {}
}

public struct TrafficAPIError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A value shared by the assigning threads.
private final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()

    init(_ value: Value) { stored = value }

    var value: Value { lock.withLock { stored } }
    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
