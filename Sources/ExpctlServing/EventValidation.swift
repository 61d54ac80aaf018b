import ExpctlModel

/// One event of 002 §6, checked against the snapshot and ready to store.
struct ValidatedEvent: Sendable {
    struct Membership: Sendable {
        var experimentID: String
        var variantID: String
    }

    var clientEventID: String?
    var eventType: String
    var unitType: String
    var unitID: String
    /// The first goes in `exp.events`, the others in `exp.event_experiments`.
    var memberships: [Membership]
    var policyVersionID: String?
    var contextJSON: String
    var metricsJSON: String
    /// The event's own data (a `plan_generated`'s plan): what dataset builds read.
    var payloadJSON: String
    /// RFC 3339, normalised.
    var occurredAt: String
}

/// The checks of an event: every field of the right type, every experiment and variant id known
/// and belonging together, and an event that names experiments naming its policy version too
/// (the seeds' pitfall: an event without experiment, variant and policy version cannot be
/// attributed). Errors name the field, with the event's index in a batch.
enum EventValidation {
    static let maxEventsPerRequest = 10_000
    static let unitTypes: Set<String> = ["user", "household"]

    /// The events of a body: one event object, or `{"events": [...]}`.
    static func events(body: [UInt8], batch: Bool, snapshot: ServingSnapshot) throws(RequestError) -> [ValidatedEvent] {
        let decoded = try JSONFields.body(body)
        guard batch else { return [try event(decoded, path: "", snapshot)] }
        let fields = try JSONFields(decoded, path: "")
        guard case .array(let list)? = fields.object["events"] else {
            throw RequestError("events", "must be a list of events")
        }
        guard !list.isEmpty, list.count <= maxEventsPerRequest else {
            throw RequestError("events", "must hold 1 to \(maxEventsPerRequest) events")
        }
        var events: [ValidatedEvent] = []
        events.reserveCapacity(list.count)
        for (index, item) in list.enumerated() { events.append(try event(item, path: "events[\(index)]", snapshot)) }
        return events
    }

    static func event(_ value: JSONValue, path: String, _ snapshot: ServingSnapshot) throws(RequestError) -> ValidatedEvent {
        let fields = try JSONFields(value, path: path)
        let eventType = try fields.string("event_type", maxLength: 100)
        let unitType = try fields.string("unit_type")
        guard unitTypes.contains(unitType) else {
            throw RequestError(fields.field("unit_type"), "must be one of \(unitTypes.sorted().joined(separator: ", "))")
        }
        let unitID = try fields.string("unit_id")
        let clientEventID = try fields.optionalString("event_id", maxLength: 200)
        let timestampText = try fields.string("timestamp", maxLength: 64)
        guard let timestamp = Timestamp(rfc3339: timestampText) else {
            throw RequestError(fields.field("timestamp"), "must be an RFC 3339 time such as 2025-01-01T10:00:00Z")
        }
        let memberships = try self.memberships(fields, unitType: unitType, snapshot)
        let context = try fields.optionalObject("context")
        var policyVersionID: String?
        if let value = context["policy_version_id"], value != .null {
            guard case .string(let id) = value, snapshot.policyVersionIDs.contains(id.lowercased()) else {
                throw RequestError(fields.field("context.policy_version_id"), "is not a policy version expctl applied")
            }
            policyVersionID = id.lowercased()
        }
        if !memberships.isEmpty, policyVersionID == nil {
            throw RequestError(
                fields.field("context.policy_version_id"),
                "is required when the event names experiments: an event carries its experiment, variant and policy version")
        }
        let metrics = try fields.optionalObject("metrics")
        for (key, value) in metrics {
            switch value {
            case .integer: continue
            case .double(let number) where number.isFinite: continue
            default: throw RequestError(fields.field("metrics.\(key)"), "must be a number")
            }
        }
        return ValidatedEvent(
            clientEventID: clientEventID, eventType: eventType, unitType: unitType, unitID: unitID,
            memberships: memberships, policyVersionID: policyVersionID,
            contextJSON: JSONValue.object(context).canonicalText, metricsJSON: JSONValue.object(metrics).canonicalText,
            payloadJSON: JSONValue.object(try fields.optionalObject("payload")).canonicalText,
            occurredAt: timestamp.description)
    }

    private static func memberships(
        _ fields: JSONFields, unitType: String, _ snapshot: ServingSnapshot
    ) throws(RequestError) -> [ValidatedEvent.Membership] {
        guard let value = fields.object["experiments"], value != .null else { return [] }
        guard case .array(let list) = value else {
            throw RequestError(fields.field("experiments"), "must be a list of {experiment_id, variant_id}")
        }
        var memberships: [ValidatedEvent.Membership] = []
        for (index, item) in list.enumerated() {
            let entry = try JSONFields(item, path: fields.field("experiments[\(index)]"))
            let experimentID = try entry.string("experiment_id").lowercased()
            let variantID = try entry.string("variant_id").lowercased()
            guard let experiment = snapshot.experiments[experimentID] else {
                throw RequestError(entry.field("experiment_id"), "is not an experiment expctl applied")
            }
            guard experiment.variants.contains(where: { $0.id == variantID }) else {
                throw RequestError(entry.field("variant_id"), "is not a variant of experiment \(experiment.name)")
            }
            guard experiment.unitType == unitType else {
                throw RequestError(
                    entry.field("experiment_id"), "experiment \(experiment.name) assigns \(experiment.unitType)s, not \(unitType)s")
            }
            guard !memberships.contains(where: { $0.experimentID == experimentID }) else {
                throw RequestError(entry.field("experiment_id"), "names experiment \(experiment.name) a second time")
            }
            memberships.append(.init(experimentID: experimentID, variantID: variantID))
        }
        return memberships
    }
}
