import Hummingbird

/// Requests must carry `Authorization: Bearer <token>` with one of the configured tokens,
/// compared in constant time; any other is a 401 that names no token.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: [[UInt8]]
    /// What the 401 says the token is for ("the assignment and event APIs").
    let realm: String

    init(tokens: [String], realm: String) {
        self.tokens = tokens.map { Array($0.utf8) }
        self.realm = realm
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            return ServiceResponses.unauthorized("an Authorization: Bearer token is required for \(realm)")
        }
        let offered = Array(header.utf8.dropFirst("Bearer ".count))
        // Every configured token is compared, so the time does not say which one came close.
        var matched = false
        for token in tokens where WebhookReceiver.constantTimeEqual(offered, token) { matched = true }
        guard matched else { return ServiceResponses.unauthorized("the bearer token is not valid for \(realm)") }
        return try await next(request, context)
    }
}
