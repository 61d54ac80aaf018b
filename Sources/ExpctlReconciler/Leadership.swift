public import Foundation
import Synchronization

/// Whether this replica is the one that reconciles and runs jobs: the leader holds the
/// writers' lock on its session's connection; a standby waits for it and meanwhile serves only
/// what reads the database. Shared between the loop, the leadership watch and the service.
public final class Leadership: Sendable {
    public enum Role: Sendable, Equatable {
        /// Not connected yet.
        case starting
        /// Another session holds the lock; `holder` as `ReconcilerLock.holder()` names it.
        case standby(holder: String?)
        case leader(since: Date)
    }

    private struct Contents {
        var role = Role.starting
        var observers: [@Sendable (Role) -> Void] = []
    }

    private let contents = Mutex(Contents())

    public init() {}

    public var role: Role { contents.withLock { $0.role } }

    public var isLeader: Bool {
        if case .leader = role { return true }
        return false
    }

    /// Called with each new role, on the thread that changed it.
    public func observe(_ observer: @escaping @Sendable (Role) -> Void) {
        contents.withLock { $0.observers.append(observer) }
    }

    func change(to role: Role) {
        let observers: [@Sendable (Role) -> Void]? = contents.withLock { contents in
            guard contents.role != role else { return nil }
            contents.role = role
            return contents.observers
        }
        for observer in observers ?? [] { observer(role) }
    }
}
