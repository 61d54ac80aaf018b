/// Failures of the store that are not PostgreSQL's own errors.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case schemaTooNew(found: Int, known: Int)
    case corruptRow(table: String, detail: String)
    case actionFailed(action: String, underlying: String)
    case planHasProblems(Int)
    case stale
    case locked(String?)

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let known):
            "the database's exp schema is at version \(found), newer than this expctl knows (\(known)): upgrade expctl"
        case .corruptRow(let table, let detail):
            "unexpected data in \(table): \(detail)"
        case .actionFailed(let action, let underlying):
            "\(action) failed: \(underlying); nothing was applied"
        case .planHasProblems(let count):
            "the plan has \(count) problem\(count == 1 ? "" : "s") git must fix first; it cannot be applied"
        case .stale:
            "the plan is stale: the database changed since it was made; run expctl plan again"
        case .locked(let holder):
            "another expctl is applying to this database (the lock is held by \(holder ?? "another session")); nothing was applied"
        }
    }
}
