/// Failures of the store that are not PostgreSQL's own errors.
public enum StoreError: Error, Sendable, CustomStringConvertible {
    case schemaTooNew(found: Int, known: Int)
    case corruptRow(table: String, detail: String)
    case actionFailed(action: String, underlying: String)
    case planHasProblems(Int)
    case stale
    case locked(String?)
    /// The plan changes the MLflow registry (this many actions) and no MLflow is configured.
    case registryNotConfigured(Int)
    /// The MLflow registry changed since a saved plan was made.
    case registryStale
    /// A failure after some registry actions were applied (MLflow has no rollback).
    case failedAfterRegistryChanges(underlying: String, registryChanges: Int)
    /// A registry action failed (part of it may have been written: its lineage tags go first);
    /// `completedBefore` actions had been applied, the database was not touched.
    case registryActionFailed(action: String, underlying: String, completedBefore: Int)

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
        case .registryNotConfigured(let count):
            "the plan changes the MLflow model registry (\(count) action\(count == 1 ? "" : "s")) and no MLflow is configured: set MLFLOW_TRACKING_URI or pass --mlflow-url; nothing was applied"
        case .registryStale:
            "the plan is stale: the MLflow model registry changed since it was made; run expctl plan again"
        case .failedAfterRegistryChanges(let underlying, let count):
            "\(underlying.hasSuffix(Self.nothingApplied) ? String(underlying.dropLast(Self.nothingApplied.count)) : underlying); the database was not changed, but \(Self.registryChanges(count)) before it: run apply again to complete the rest"
        case .registryActionFailed(let action, let underlying, let count):
            "\(action) failed: \(underlying); the database was not changed"
                + (count == 0 ? "" : ", but \(Self.registryChanges(count)) before it")
                + ": run apply again to complete the rest"
        case .locked(let holder):
            "another expctl is applying to this database (the lock is held by \(holder ?? "another session")); nothing was applied"
        }
    }

    private static let nothingApplied = "; nothing was applied"

    /// "1 MLflow registry change was applied", "3 MLflow registry changes were applied".
    private static func registryChanges(_ count: Int) -> String {
        count == 1 ? "1 MLflow registry change was applied" : "\(count) MLflow registry changes were applied"
    }
}
