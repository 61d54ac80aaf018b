import Foundation
import Hummingbird

/// The routes of `expctl serve`: probes and metrics, the status page, the webhooks, and the
/// assignment and event APIs, each with the metrics middleware and, where asked for, a token.
struct ServiceRouter {
    let settings: ServiceSettings
    let state: ServiceState
    let metrics: ServiceMetrics
    let webhooks: WebhookReceiver?
    /// Wakes the loop for a pass now.
    let wake: @Sendable () -> Void
    /// The status page's HTML.
    let statusPage: @Sendable () async -> String
    let apis: ServingAPIs?

    func build() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.get("/healthz") { _, _ in ServiceResponses.text(.ok, "ok\n") }
        let apis = apis
        router.get("/readyz") { _, _ in
            guard state.isReady else {
                return ServiceResponses.text(
                    .serviceUnavailable, "not ready: no pass has read the source and both servers yet\n")
            }
            // With the APIs on, ready also means they can answer: the applied state is loaded.
            guard apis.map({ $0.snapshots.snapshot != nil }) ?? true else {
                return ServiceResponses.text(
                    .serviceUnavailable, "not ready: the APIs have not loaded the applied state yet\n")
            }
            return ServiceResponses.text(.ok, "ready\n")
        }
        router.get("/metrics") { _, _ in
            ServiceResponses.bytes(.ok, metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        addStatusPage(router)
        addWebhooks(router)
        APIRoutes(apis: apis, tokens: settings.apiTokens, bodyLimit: settings.apiBodyLimit).add(to: router)
        return router
    }

    private func addStatusPage(_ router: Router<BasicRequestContext>) {
        let page = router.group()
        if let token = settings.statusToken {
            page.add(middleware: BearerTokenMiddleware(tokens: [token], realm: "the status page"))
        }
        page.get("/") { _, _ in ServiceResponses.text(.ok, await statusPage(), contentType: "text/html; charset=utf-8") }
    }

    private func addWebhooks(_ router: Router<BasicRequestContext>) {
        let limit = settings.webhookBodyLimit
        router.post("/hooks/github") { request, _ in
            try await receive(request, limit: limit) { webhooks, header, body in
                webhooks.receiveGitHub(header: header, body: body)
            }
        }
        router.post("/hooks/gitlab") { request, _ in
            try await receive(request, limit: limit) { webhooks, header, body in
                webhooks.receiveGitLab(header: header, body: body)
            }
        }
    }

    private func receive(
        _ request: Request, limit: Int,
        _ check: (WebhookReceiver, (String) -> String?, [UInt8]) -> WebhookReceiver.Outcome
    ) async throws -> Response {
        guard let webhooks else {
            return ServiceResponses.error(.serviceUnavailable, "webhooks are off: no EXPCTL_WEBHOOK_SECRET is set")
        }
        guard let body = try await ServiceResponses.body(of: request, limit: limit) else {
            return ServiceResponses.tooLarge(limit: limit)
        }
        let headers = request.headers
        let header: (String) -> String? = { name in
            headers.first { $0.name.canonicalName == name.lowercased() }?.value
        }
        switch check(webhooks, header, body) {
        case .wake(let commit):
            wake()
            return ServiceResponses.json(.accepted, ["status": "woken", "commit": commit.map { $0 as Any } ?? NSNull()])
        case .ignored(let reason):
            return ServiceResponses.json(.ok, ["status": "ignored", "reason": reason])
        case .refused(let status, let reason):
            return ServiceResponses.error(HTTPResponse.Status(code: status), reason)
        }
    }
}
