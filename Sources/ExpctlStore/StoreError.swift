public import ExpctlPostgres

/// Failures of the store that are not PostgreSQL's own errors, and database actions that
/// failed, with their cause kept typed (a `PostgresError` keeps its SQLSTATE).
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case schemaTooNew(found: Int, known: Int)
    /// The schema is older than this expctl reads: it has not been migrated yet.
    case schemaOutdated(found: Int, known: Int)
    case corruptRow(table: String, detail: String)
    /// A plan's action failed; what was applied with it in its transaction was rolled back.
    case actionFailed(action: String, cause: ActionFailureCause)
    /// Another session holds the writers' lock: who, when known.
    case locked(holder: String?)
    /// A short job id that more than one job starts with.
    case ambiguousJobID(String, matches: [String])

    public var description: String {
        switch self {
        case .schemaTooNew(let found, let known):
            "the database's exp schema is at version \(found), newer than this expctl knows (\(known)): upgrade expctl"
        case .schemaOutdated(let found, let known):
            "the database's exp schema is at version \(found), older than this expctl reads (\(known)): "
                + "run expctl migrate (apply and reconcile migrate first)"
        case .corruptRow(let table, let detail):
            "unexpected data in \(table): \(detail)"
        case .actionFailed(let action, let cause):
            "\(action) failed: \(cause)"
        case .locked(let holder):
            "another expctl is applying to this database (the lock is held by \(holder ?? "another session"))"
        case .ambiguousJobID(let id, let matches):
            "job id \(id) matches \(matches.count) jobs (\(matches.joined(separator: ", "))): give more of it"
        }
    }

    /// The SQLSTATE behind the failure, when PostgreSQL gave one.
    public var sqlState: String? {
        if case .actionFailed(_, .postgres(let error)) = self { return error.sqlState }
        return nil
    }
}

/// Why a database or job-ledger action failed.
public enum ActionFailureCause: Sendable, CustomStringConvertible {
    /// PostgreSQL refused the statement.
    case postgres(PostgresError)
    /// The statement matched this many rows instead of one.
    case unexpectedRowCount(Int)
    /// The action is not one this expctl applies (a plan file from elsewhere).
    case unsupported
    /// The action lacks what it needs (a plan file written by hand).
    case malformed(String)

    public var description: String {
        switch self {
        case .postgres(let error): error.description
        case .unexpectedRowCount(let count):
            "it matched \(count) rows instead of 1 (the database changed since the plan, or a policy version it needs is missing)"
        case .unsupported: "this version of expctl cannot apply it"
        case .malformed(let detail): detail
        }
    }
}
