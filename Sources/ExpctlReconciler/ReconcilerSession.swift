public import ExpctlStore
import Foundation

/// The reconciler's hold on its database: a connection that holds the writers' lock for the
/// whole session (so one reconciler writes at a time) and a migrated schema. When the
/// connection is lost, and the lock with it, the next pass connects and locks again.
public final class ReconcilerSession {
    private let connect: () throws -> ExpStore
    private let makeReconciler: (ExpStore) -> Reconciler
    private let waitForLock: Bool
    private let clock: any ReconcileClock
    private let wakeup: Wakeup
    /// Seconds between attempts to take a lock someone else holds.
    private let lockRetry: Double
    private let waitingForLock: (_ holder: String?) -> Void
    /// Whether this session holds the lock, for the service and its job worker.
    public let leadership: Leadership
    /// Held for a whole pass, and by `checkLeadership`: the session's connection is used by one
    /// thread at a time.
    private let connectionLock = NSLock()
    private var reconciler: Reconciler?

    /// - Parameters:
    ///   - store: the first connection's store (a failure to connect the first time is the
    ///     caller's to report); later ones come from `connect`.
    ///   - waitForLock: wait for a lock another session holds, else end with `.lockHeld`.
    ///   - waitingForLock: told who holds the lock each time it is found taken while waiting.
    public init(
        store: ExpStore, connect: @escaping () throws -> ExpStore, waitForLock: Bool, clock: any ReconcileClock, wakeup: Wakeup,
        lockRetry: Double = 2, waitingForLock: @escaping (_ holder: String?) -> Void = { _ in },
        leadership: Leadership = Leadership(), makeReconciler: @escaping (ExpStore) -> Reconciler
    ) {
        self.leadership = leadership
        self.connect = connect
        self.makeReconciler = makeReconciler
        self.waitForLock = waitForLock
        self.clock = clock
        self.wakeup = wakeup
        self.lockRetry = lockRetry
        self.waitingForLock = waitingForLock
        self.pendingStore = store
    }

    /// A connected store that does not hold the lock yet.
    private var pendingStore: ExpStore?

    public enum SessionError: Error, Sendable, CustomStringConvertible {
        /// Another reconciler holds the lock (and the session does not wait for it).
        case lockHeld(holder: String?)
        /// Asked to stop while waiting for the lock.
        case stopped
        /// The database's schema is newer than this expctl: no pass can run.
        case schemaTooNew(StoreError)

        public var description: String {
            switch self {
            case .lockHeld(let holder): "another reconciler is running: the lock is held by \(holder ?? "another session")"
            case .stopped: "stopped while waiting for the lock"
            case .schemaTooNew(let error): "\(error)"
            }
        }
    }

    /// Takes the lock and migrates when the session does not hold them yet; a failure to
    /// reconnect is a transient outcome, retried by the loop.
    public func pass() throws(SessionError) -> PassOutcome {
        connectionLock.lock()
        defer { connectionLock.unlock() }
        if reconciler == nil {
            do {
                let store = try pendingStore ?? connect()
                pendingStore = store
                try lock(store, reconnecting: connectedBefore)
                try Self.boundDeadPeerTime(store)
                try store.migrate()
                pendingStore = nil
                connectedBefore = true
                reconciler = makeReconciler(store)
                leadership.change(to: .leader(since: clock.now()))
            } catch let error as SessionError {
                throw error
            } catch let error as StoreError {
                if case .schemaTooNew = error { throw .schemaTooNew(error) }
                pendingStore = nil
                return .transient(.database(error))
            } catch {
                pendingStore = nil
                return .transient(.database(error))
            }
        }
        guard let reconciler else { preconditionFailure("a session without a reconciler after connecting") }
        let outcome = reconciler.pass()
        if case .transient = outcome, (try? reconciler.store.connection.execute("SELECT 1")) == nil {
            // The connection is gone, and with it the lock: the next pass connects again.
            self.reconciler = nil
            leadership.change(to: .standby(holder: nil))
        }
        return outcome
    }

    /// Between passes, asks the session's connection whether it is still there; when it is not
    /// (the server ended it, or stopped answering within the connection's dead-peer time), the
    /// lock is gone with it: the session stops being the leader now, and its next pass connects
    /// and waits for the lock again. Skipped while a pass runs (the pass finds out itself).
    public func checkLeadership() {
        guard connectionLock.try() else { return }
        defer { connectionLock.unlock() }
        guard let reconciler else { return }
        if (try? reconciler.store.connection.execute("SELECT 1")) == nil {
            self.reconciler = nil
            leadership.change(to: .standby(holder: nil))
        }
    }

    /// Seconds after which the server ends the leader's session when its client stopped
    /// answering (TCP keepalives and `tcp_user_timeout` of the server's side), and with it
    /// releases the lock. The leader's own connection gives up sooner (`deadPeerSeconds`),
    /// so it steps down before a standby can take over.
    public static let serverDeadPeerSeconds = 20

    private static func boundDeadPeerTime(_ store: ExpStore) throws {
        let seconds = serverDeadPeerSeconds
        for setting in [
            "tcp_keepalives_idle = \(seconds / 2)", "tcp_keepalives_interval = \(seconds / 6)",
            "tcp_keepalives_count = 3", "tcp_user_timeout = \(seconds * 1000)",
        ] {
            try store.connection.execute("SET \(setting)")
        }
    }

    /// Whether the session held the lock before: a reconnect then waits for it a while, since
    /// the server may not yet have noticed that the session's old connection is gone.
    private var connectedBefore = false

    /// How long a reconnect waits for a lock still held (by the old connection, most likely)
    /// before it says another reconciler has it, without `--wait`.
    public static let reconnectLockWait: Double = 60

    private func lock(_ store: ExpStore, reconnecting: Bool) throws {
        let lock = ReconcilerLock(connection: store.connection)
        let giveUp = clock.now().addingTimeInterval(reconnecting ? Self.reconnectLockWait : 0)
        while !(try lock.tryAcquire()) {
            let holder = try? lock.holder()
            leadership.change(to: .standby(holder: holder ?? nil))
            guard waitForLock || clock.now() < giveUp else { throw SessionError.lockHeld(holder: holder ?? nil) }
            waitingForLock(holder ?? nil)
            if clock.wait(until: clock.now().addingTimeInterval(lockRetry), on: wakeup) == .stopped { throw SessionError.stopped }
        }
    }
}
