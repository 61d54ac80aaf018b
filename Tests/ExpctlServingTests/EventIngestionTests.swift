import ExpctlModel
import ExpctlPostgres
import ExpctlServing
import ExpctlStore
import Foundation
import PostgresTestSupport
import Testing

@Suite("The event ingestion service")
struct EventIngestionTests {
    static var two: [RunningExperiment] { [RunningExperiment("first_exp"), RunningExperiment("second_exp")] }

    static func event(
        unit: String = "u-1", memberships: [(String, String)], policyVersion: String?, id: String? = nil,
        type: String = "plan_generated", metrics: [String: Any] = ["latency_ms": 450]
    ) -> [String: Any] {
        var event: [String: Any] = [
            "event_type": type, "unit_type": "user", "unit_id": unit,
            "experiments": memberships.map { ["experiment_id": $0.0, "variant_id": $0.1] },
            "metrics": metrics, "timestamp": "2026-12-01T10:00:00.250Z",
        ]
        if let policyVersion { event["context"] = ["policy_version_id": policyVersion] }
        if let id { event["event_id"] = id }
        return event
    }

    static func batch(_ events: [[String: Any]]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: ["events": events]))
    }

    @Test func aVariantOfAnotherExperimentIsRefusedAndNothingOfTheRequestIsWritten() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database, experiments: Self.two)
            defer { fixture.shutdown() }
            let first = try fixture.ids("first_exp")
            let second = try fixture.ids("second_exp")
            let good = Self.event(memberships: [(first.experiment, first.variants["control"]!)], policyVersion: first.policyVersion)
            let bad = Self.event(memberships: [(first.experiment, second.variants["control"]!)], policyVersion: first.policyVersion)
            await #expect(throws: RequestError("events[3].experiments[0].variant_id", "is not a variant of experiment first_exp")) {
                _ = try await fixture.events.ingest(body: try Self.batch([good, good, good, bad]), batch: true)
            }
            #expect(try fixture.count("exp.events") == 0)
        }
    }

    @Test func missingAndUnknownFieldsAreNamed() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database)
            defer { fixture.shutdown() }
            let ids = try fixture.ids("planner_policy_exp")
            let membership = [(ids.experiment, ids.variants["control"]!)]
            let cases: [([String: Any], RequestError)] = [
                (
                    Self.event(memberships: membership, policyVersion: nil),
                    RequestError(
                        "context.policy_version_id",
                        "is required when the event names experiments: an event carries its experiment, variant and policy version")
                ),
                (
                    Self.event(memberships: membership, policyVersion: UUID().uuidString.lowercased()),
                    RequestError("context.policy_version_id", "is not a policy version expctl applied")
                ),
                (
                    Self.event(memberships: [(UUID().uuidString, ids.variants["control"]!)], policyVersion: ids.policyVersion),
                    RequestError("experiments[0].experiment_id", "is not an experiment expctl applied")
                ),
                (
                    Self.event(memberships: membership, policyVersion: ids.policyVersion, metrics: ["accepted": true]),
                    RequestError("metrics.accepted", "must be a number")
                ),
                (
                    Self.event(memberships: membership, policyVersion: ids.policyVersion).merging(["timestamp": "yesterday"]) { $1 },
                    RequestError("timestamp", "must be an RFC 3339 time such as 2025-01-01T10:00:00Z")
                ),
                (
                    Self.event(memberships: membership, policyVersion: ids.policyVersion).filter { $0.key != "unit_id" },
                    RequestError("unit_id", "is required")
                ),
            ]
            for (event, expected) in cases {
                await #expect(throws: expected) {
                    _ = try await fixture.events.ingest(body: Array(try JSONSerialization.data(withJSONObject: event)), batch: false)
                }
            }
            #expect(try fixture.count("exp.events") == 0)
        }
    }

    @Test func anEventInTwoExperimentsIsStoredOnceAndCountedInEach() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database, experiments: Self.two)
            defer { fixture.shutdown() }
            let assigned = try await fixture.assign("u-1")
            #expect(assigned.count == 2)
            let first = try fixture.ids("first_exp")
            let second = try fixture.ids("second_exp")
            let event = Self.event(
                memberships: [
                    (first.experiment, first.variants[assigned["first_exp"]!]!),
                    (second.experiment, second.variants[assigned["second_exp"]!]!),
                ], policyVersion: first.policyVersion)
            let outcome = try await fixture.events.ingest(body: try Self.batch([event]), batch: true)
            #expect(outcome == .init(accepted: 1, duplicates: 0))
            #expect(try fixture.count("exp.events") == 1)
            #expect(try fixture.count("exp.event_experiments") == 1)
            let online = try ExpStore(connection: fixture.connection).observeGates().online
            for (name, variant) in assigned {
                let generated = online[name]?.variants[variant]?.metrics["plan_acceptance_rate"]?.denominatorSum
                #expect(generated == 1, "\(name)/\(variant)")
            }
        }
    }

    @Test func aRetriedEventIsStoredOnce() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database)
            defer { fixture.shutdown() }
            let ids = try fixture.ids("planner_policy_exp")
            let events = (1...3).map {
                Self.event(
                    memberships: [(ids.experiment, ids.variants["control"]!)], policyVersion: ids.policyVersion, id: "e-\($0)")
            }
            #expect(try await fixture.events.ingest(body: try Self.batch(events), batch: true) == .init(accepted: 3, duplicates: 0))
            #expect(try await fixture.events.ingest(body: try Self.batch(events), batch: true) == .init(accepted: 0, duplicates: 3))
            // Without a client id, a copy is another event.
            let anonymous = Self.event(memberships: [(ids.experiment, ids.variants["control"]!)], policyVersion: ids.policyVersion)
            #expect(try await fixture.events.ingest(body: try Self.batch([anonymous, anonymous]), batch: true) == .init(accepted: 2, duplicates: 0))
            #expect(try fixture.count("exp.events") == 5)
        }
    }

    @Test func thePayloadIsStoredForDatasetBuilds() async throws {
        try await TestDatabase.withAsync { database in
            let fixture = try ServingFixture(database)
            defer { fixture.shutdown() }
            let ids = try fixture.ids("planner_policy_exp")
            var event = Self.event(memberships: [(ids.experiment, ids.variants["control"]!)], policyVersion: ids.policyVersion)
            event["payload"] = ["plan_id": "p-1", "plan": ["recipes": ["r-1", "r-2"]]]
            _ = try await fixture.events.ingest(body: try Self.batch([event]), batch: true)
            let stored = try database.connect().execute("SELECT payload->'plan'->'recipes'->>1 AS second FROM exp.events")
            #expect(stored.string(0, "second") == "r-2")
            event["payload"] = "not an object"
            await #expect(throws: RequestError("events[0].payload", "must be a JSON object")) {
                _ = try await fixture.events.ingest(body: try Self.batch([event]), batch: true)
            }
        }
    }
}
