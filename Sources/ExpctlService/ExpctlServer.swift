import ExpctlInstrumentation
public import Foundation
import Hummingbird
import ServiceLifecycle
import Synchronization
public import Logging

/// `expctl serve` put together: the HTTP server (Hummingbird 2) and the reconcile loop as
/// services of one service group, which SIGTERM and SIGINT shut down gracefully: the HTTP
/// server stops taking connections and finishes the requests under way, the loop finishes its
/// pass, and `run` returns.
public final class ExpctlServer: Sendable {
    public let settings: ServiceSettings
    public let state: ServiceState
    public let metrics: ServiceMetrics
    private let reconcile: ReconcileService?
    private let statusPage: @Sendable () async -> String
    private let logger: Logger
    private let apis: ServingAPIs?

    /// - Parameters:
    ///   - reconcile: the loop; nil serves without reconciling (tests of the HTTP side).
    ///   - statusPage: renders the page at `/`.
    public init(
        settings: ServiceSettings, state: ServiceState, metrics: ServiceMetrics, reconcile: ReconcileService?,
        apis: ServingAPIs? = nil, logger: Logger, statusPage: @escaping @Sendable () async -> String
    ) {
        self.apis = apis
        self.settings = settings
        self.state = state
        self.metrics = metrics
        self.reconcile = reconcile
        self.logger = logger
        self.statusPage = statusPage
    }

    /// The running service group, for `shutdown()`.
    private let group = Mutex<ServiceGroup?>(nil)

    /// Serves until SIGTERM or SIGINT (with `handlingSignals`) or `shutdown()`. `listening` is
    /// told the port once the server accepts connections.
    ///
    /// The loop comes after the HTTP server in the group, so a graceful shutdown stops it
    /// first: the pass under way finishes while the status page and the APIs still answer,
    /// then the server drains its requests.
    public func run(handlingSignals: Bool = true, listening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let token = CallTimings.observe { [metrics] server, nanoseconds, failed in
            metrics.call(server.rawValue, nanoseconds: nanoseconds, failed: failed)
        }
        defer { CallTimings.stopObserving(token) }
        let services: [any Service] = [application(listening: listening)] + (reconcile.map { [$0] } ?? [])
        let group = ServiceGroup(
            configuration: .init(
                services: services, gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        self.group.withLock { $0 = group }
        defer { apis?.shutdown() }
        try await group.run()
    }

    /// Shuts the service down as SIGTERM would.
    public func shutdown() async {
        await group.withLock { $0 }?.triggerGracefulShutdown()
    }

    /// The Hummingbird application.
    func application(listening: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let webhooks = settings.webhookSecret.map {
            WebhookReceiver(secret: $0, trackedBranch: settings.trackedBranch)
        }
        let router = ServiceRouter(
            settings: settings, state: state, metrics: metrics, webhooks: webhooks,
            wake: { [reconcile] in reconcile?.wake() }, statusPage: statusPage, apis: apis
        ).build()
        let logger = logger
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
                listening(port)
            },
            logger: logger)
    }
}
