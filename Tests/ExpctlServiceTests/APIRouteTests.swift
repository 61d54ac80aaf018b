import ExpctlModel
import ExpctlService
import ExpctlServing
import Foundation
import PostgresTestSupport
import Testing

/// The two APIs over HTTP: tokens, the error shape, the size limit, and the APIs turned off.
@Suite("expctl serve: the assignment and event APIs over HTTP", .serialized)
struct APIRouteTests {
    static let token = "an-api-token-of-some-length"

    private func withService(
        tokens: [String] = [token], _ body: (RunningService, TestDatabase) async throws -> Void
    ) async throws {
        try await TestDatabase.withAsync { database in
            let repository = try GitFixture()
            try ServiceTree.write(repository)
            try repository.commitAll("an experiment")
            let snapshots = SnapshotHolder()
            let apis = ServingAPIs(
                snapshots: snapshots,
                assignments: AssignmentService(snapshots: snapshots, database: database.settings()),
                events: EventIngestion(snapshots: snapshots, database: database.settings()))
            let service = try await RunningService(
                repository: repository, database: database, apiTokens: tokens, apis: apis)
            try await service.waitFor { service.state.passes.contains { $0.outcome == "applied" } }
            // Ready means the APIs can answer: not before their snapshot is loaded.
            #expect(try await service.send("GET", "/readyz").status == 503)
            snapshots.replace(with: try ServingSnapshot.read(try database.connect()))
            #expect(try await service.send("GET", "/readyz").status == 200)
            try await body(service, database)
            try await service.stop()
        }
    }

    private func error(_ body: [UInt8]) -> [String: JSONValue]? {
        guard case .object(let root)? = JSONValue(parsing: String(decoding: body, as: UTF8.self)),
            case .object(let error)? = root["error"]
        else { return nil }
        return error
    }

    @Test func tokensAreRequiredAndRefusalsSayHow() async throws {
        try await withService { service, _ in
            let request = Array(#"{"unit_id":"u1","unit_type":"user"}"#.utf8)
            let missing = try await service.send("POST", "/v1/assignments", body: request)
            #expect(missing.status == 401)
            #expect(missing.headers["www-authenticate"] == #"Bearer realm="expctl""#)
            let wrong = try await service.send(
                "POST", "/v1/assignments", headers: [("Authorization", "Bearer not-the-token")], body: request)
            #expect(wrong.status == 401)
            #expect(!String(decoding: wrong.body, as: UTF8.self).contains(Self.token))
            // 60% of units are allocated: of twenty, some get a variant.
            var assigned = 0
            for unit in 1...20 {
                let allowed = try await service.send(
                    "POST", "/v1/assignments", headers: [("Authorization", "Bearer \(Self.token)")],
                    body: Array(#"{"unit_id":"u\#(unit)","unit_type":"user"}"#.utf8))
                #expect(allowed.status == 200, "\(String(decoding: allowed.body, as: UTF8.self))")
                if String(decoding: allowed.body, as: UTF8.self).contains("planner_exp") { assigned += 1 }
            }
            #expect(assigned > 0)
        }
    }

    @Test func badInputIsA400NamingTheFieldAndWritesNothing() async throws {
        try await withService { service, database in
            let auth = [("Authorization", "Bearer \(Self.token)"), ("Content-Type", "application/json")]
            let missingType = try await service.send(
                "POST", "/v1/events", headers: auth, body: Array(#"{"event_id":"e1","unit_id":"u1"}"#.utf8))
            #expect(missingType.status == 400)
            #expect(error(missingType.body)?["field"] != nil)
            // A NUL is refused up front, naming where it is, not by PostgreSQL for the whole group.
            let nul = try await service.send(
                "POST", "/v1/assignments", headers: auth, body: Array(#"{"unit_id":"u\u0000","unit_type":"user"}"#.utf8)
            )
            #expect(nul.status == 400)
            #expect(error(nul.body)?["field"] == .string("unit_id"), "\(String(decoding: nul.body, as: UTF8.self))")
            #expect(try database.count("exp.events") == 0)
            #expect(try database.count("exp.assignments") == 0)
        }
    }

    @Test func aBodyOverTheLimitIsA413InTheErrorShape() async throws {
        try await withService { service, _ in
            let body = [UInt8](repeating: UInt8(ascii: " "), count: (8 << 20) + 1)
            let response = try await service.send(
                "POST", "/v1/events/batch", headers: [("Authorization", "Bearer \(Self.token)")], body: body)
            #expect(response.status == 413)
            guard case .string(let message)? = error(response.body)?["message"] else {
                Issue.record(
                    "a 413 without the error shape: \(response.headers) \(String(decoding: response.body, as: UTF8.self))"
                )
                return
            }
            #expect(message.contains("limit"))
        }
    }

    @Test func withoutATokenTheAPIsAreOff() async throws {
        try await withService(tokens: []) { service, _ in
            let response = try await service.send("POST", "/v1/assignments", body: Array("{}".utf8))
            #expect(response.status == 503)
            #expect(response.headers["retry-after"] == "1")
        }
    }
}
