public import ExpctlServing
import Hummingbird

/// The two services of the onboarding spec that `expctl serve` answers, with their shared
/// snapshot of the applied state.
public struct ServingAPIs: Sendable {
    public let snapshots: SnapshotHolder
    public let assignments: AssignmentService
    public let events: EventIngestion

    public init(snapshots: SnapshotHolder, assignments: AssignmentService, events: EventIngestion) {
        self.snapshots = snapshots
        self.assignments = assignments
        self.events = events
    }

    public func shutdown() {
        assignments.shutdown()
        events.shutdown()
    }
}

/// `POST /v1/assignments`, `POST /v1/events`, `POST /v1/events/batch`, behind the bearer token.
struct APIRoutes {
    let apis: ServingAPIs?
    let tokens: [String]
    let bodyLimit: Int

    func add(to router: Router<BasicRequestContext>) {
        let group = router.group("/v1")
        guard let apis, !tokens.isEmpty else {
            let message = "the assignment and event APIs are off: no EXPCTL_API_TOKEN is set"
            for path in ["/assignments", "/events", "/events/batch"] {
                group.post(RouterPath(path)) { _, _ in ServiceResponses.error(.serviceUnavailable, message) }
            }
            return
        }
        group.add(middleware: BearerTokenMiddleware(tokens: tokens, realm: "the assignment and event APIs"))
        let limit = bodyLimit
        group.post("/assignments") { request, _ in
            try await Self.answer(request, limit: limit) { body in
                ServiceResponses.bytes(
                    .ok, try await apis.assignments.assign(body: body), contentType: "application/json")
            }
        }
        group.post("/events") { request, _ in
            try await Self.answer(request, limit: limit) { body in
                ServiceResponses.bytes(
                    .accepted, try await apis.events.ingest(body: body, batch: false).json,
                    contentType: "application/json")
            }
        }
        group.post("/events/batch") { request, _ in
            try await Self.answer(request, limit: limit) { body in
                ServiceResponses.bytes(
                    .accepted, try await apis.events.ingest(body: body, batch: true).json,
                    contentType: "application/json")
            }
        }
    }

    /// Reads the body and turns the serving side's errors into answers: 400 naming the field,
    /// 503 when overloaded, not ready or failing to reach PostgreSQL.
    private static func answer(
        _ request: Request, limit: Int, _ respond: ([UInt8]) async throws -> Response
    ) async throws -> Response {
        guard let body = try await ServiceResponses.body(of: request, limit: limit) else {
            return ServiceResponses.tooLarge(limit: limit)
        }
        do {
            return try await respond(body)
        } catch let error as RequestError {
            return ServiceResponses.json(.badRequest, ["error": ["field": error.field, "message": error.message]])
        } catch let error as ServingError {
            return ServiceResponses.error(.serviceUnavailable, error.description)
        } catch {
            return ServiceResponses.error(.serviceUnavailable, "the database failed: \(error)")
        }
    }
}
