import ExpctlHTTP
import ExpctlService
import Foundation
import PostgresTestSupport
import Testing

@Suite("expctl serve: the loop, webhooks and metrics", .serialized)
struct ServiceLoopTests {
    static let secret = "a-webhook-secret-of-some-length"

    static func githubPush(after commit: String, delivery: String, secret: String = secret) -> ([(String, String)], [UInt8]) {
        let body = Array(#"{"ref":"refs/heads/main","after":"\#(commit)"}"#.utf8)
        let headers = [
            ("X-Hub-Signature-256", WebhookReceiverTests.signature(body, secret: secret)), ("X-GitHub-Event", "push"),
            ("X-GitHub-Delivery", delivery), ("Content-Type", "application/json"),
        ]
        return (headers, body)
    }

    @Test func aSignedWebhookAppliesANewCommitWithoutWaitingForTheInterval() async throws {
        try await TestDatabase.withAsync { database in
            let repository = try GitFixture()
            try ServiceTree.write(repository)
            let first = try repository.commitAll("an experiment")
            let service = try await RunningService(repository: repository, database: database, webhookSecret: Self.secret)
            // The loop's first pass runs at start; after it, only a wake-up starts one.
            try await service.waitFor { service.state.passes.contains { $0.commit == first && $0.outcome == "applied" } }
            #expect(try await service.send("GET", "/readyz").status == 200)
            let passesBefore = service.state.passes.count

            try ServiceTree.write(repository, treatment: "0.2")
            let second = try repository.commitAll("more traffic to the treatment")
            // A delivery with a bad signature wakes nothing.
            let (badHeaders, badBody) = Self.githubPush(after: second, delivery: "bad-1", secret: "not-the-shared-secret")
            let refused = try await service.send("POST", "/hooks/github", headers: badHeaders, body: badBody)
            #expect(refused.status == 401)
            try await Task.sleep(for: .milliseconds(300))
            #expect(service.state.passes.count == passesBefore)

            let (headers, body) = Self.githubPush(after: second, delivery: "delivery-1")
            let woken = try await service.send("POST", "/hooks/github", headers: headers, body: body)
            #expect(woken.status == 202)
            try await service.waitFor { service.state.passes.contains { $0.commit == second && $0.outcome == "applied" } }
            let allocation = try database.connect().execute(
                "SELECT allocation::text AS a FROM exp.variants WHERE name = 'treatment'")
            #expect(allocation.string(0, "a") == "0.2000")

            // The same delivery again is ignored: no pass.
            let passesAfter = service.state.passes.count
            let replayed = try await service.send("POST", "/hooks/github", headers: headers, body: body)
            #expect(replayed.status == 200)
            #expect(String(decoding: replayed.body, as: UTF8.self).contains("seen before"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(service.state.passes.count == passesAfter)

            // /metrics is Prometheus text whose values are the passes run.
            let metrics = try await service.send("GET", "/metrics")
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = try PrometheusText(String(decoding: metrics.body, as: UTF8.self))
            let passes = service.state.passes
            for outcome in Set(passes.map(\.outcome)) {
                #expect(
                    text.value("expctl_passes_total", ["outcome": outcome]) == Double(passes.filter { $0.outcome == outcome }.count),
                    "\(outcome)")
            }
            #expect(text.types["expctl_pass_duration_seconds"] == "histogram")
            #expect(text.value("expctl_pass_duration_seconds_count", ["outcome": "applied"]) == Double(passes.filter { $0.outcome == "applied" }.count))
            #expect(text.value("expctl_last_applied_commit_info", ["commit": second]) == 1)
            #expect(text.value("expctl_last_applied_commit_info", ["commit": first]) == nil)
            #expect(text.value("expctl_http_requests_total", ["route": "/hooks/github", "status": "202"]) == 1)
            #expect(text.value("expctl_http_requests_total", ["route": "/hooks/github", "status": "401"]) == 1)
            #expect(text.value("expctl_actions", ["state": "waiting"]) == 0)
            #expect((text.value("expctl_postgres_call_duration_seconds_count") ?? 0) > 0)
            // No secret in any label or value.
            #expect(!String(decoding: metrics.body, as: UTF8.self).contains(Self.secret))
            try await service.stop()
        }
    }

    @Test func probesAnswerAndWebhooksWithoutASecretAreOff() async throws {
        try await TestDatabase.withAsync { database in
            let repository = try GitFixture()
            try ServiceTree.write(repository)
            try repository.commitAll("an experiment")
            let service = try await RunningService(repository: repository, database: database)
            #expect(try await service.send("GET", "/healthz").status == 200)
            try await service.waitFor { service.state.isReady }
            #expect(try await service.send("GET", "/readyz").status == 200)
            let (headers, body) = Self.githubPush(after: String(repeating: "0", count: 40), delivery: "x")
            #expect(try await service.send("POST", "/hooks/github", headers: headers, body: body).status == 503)
            try await service.stop()
        }
    }

    @Test func aWebhookBodyOverTheLimitIsRefused() async throws {
        try await TestDatabase.withAsync { database in
            let repository = try GitFixture()
            try ServiceTree.write(repository)
            try repository.commitAll("an experiment")
            let service = try await RunningService(repository: repository, database: database, webhookSecret: Self.secret)
            let body = [UInt8](repeating: UInt8(ascii: "a"), count: (1 << 20) + 1)
            let response = try await service.send(
                "POST", "/hooks/github", headers: [("X-Hub-Signature-256", WebhookReceiverTests.signature(body))], body: body)
            #expect(response.status == 413)
            try await service.stop()
        }
    }
}
