import ExpctlMLflow
public import ExpctlPlan
import ExpctlPostgres
import ExpctlStore

/// Why a pass could not finish, by the system that failed; the underlying error is kept as
/// it was thrown (a `PostgresError` with its SQLSTATE, an `MLflowError` with MLflow's code).
public enum PassError: Error, @unchecked Sendable, CustomStringConvertible {
    /// The repository or ref could not be read.
    case source(any Error)
    /// PostgreSQL failed (reading the rows, the ledger, or run records).
    case database(any Error)
    /// MLflow failed while the registry was read.
    case registry(any Error)
    case apply(ApplyError)

    public var description: String {
        switch self {
        case .source(let error): "\(error)"
        case .database(let error): "\(error)"
        case .registry(let error): "\(error)"
        case .apply(let error): "\(error)"
        }
    }

    /// The SQLSTATE behind it, when PostgreSQL gave one.
    public var sqlState: String? {
        switch self {
        case .database(let error): ErrorFacts.sqlState(of: error)
        case .apply(let error): error.sqlState
        case .source, .registry: nil
        }
    }

    /// MLflow's `error_code` behind it, when MLflow gave one.
    public var mlflowErrorCode: String? {
        switch self {
        case .registry(let error): ErrorFacts.mlflowErrorCode(of: error)
        case .apply(let error): error.mlflowErrorCode
        case .source, .database: nil
        }
    }
}

/// Why an apply stopped, and what it had done by then.
public enum ApplyError: Error, @unchecked Sendable, CustomStringConvertible {
    case planHasProblems(Int)
    /// Part of the observed state changed since the plan was made: nothing was written (before
    /// the start), or nothing in the database (found inside its transaction, after the ledger
    /// and registry steps, which the next plan accounts for).
    case stale([ObservedPart], phase: StalePhase)
    /// Another session holds the writers' lock.
    case locked(holder: String?)
    /// The plan changes the MLflow registry (or was checked against it) and no MLflow is configured.
    case registryRequired(actions: Int)
    /// Reading the registry for the stale check failed; nothing was written.
    case registryUnreadable(any Error)
    /// Writing the job ledger failed; nothing else was written.
    case ledgerFailed(any Error)
    /// A registry action failed; the database was not changed.
    case registryActionFailed(action: String, error: any Error, registryChanges: Int, ledgerChanges: Int)
    /// The database transaction failed and rolled back (`action` names the one that failed,
    /// when one did); the ledger and registry changes before it stay.
    case databaseFailed(action: String?, error: any Error, registryChanges: Int, ledgerChanges: Int)
    /// Recording the run failed before anything was written.
    case runRecordFailed(any Error)

    public var description: String {
        switch self {
        case .planHasProblems(let count):
            return "the plan has \(count) problem\(count == 1 ? "" : "s") git must fix first; it cannot be applied"
        case .stale(let parts, let phase):
            let what = parts.map(\.phrase).joined(separator: " and ")
            switch phase {
            case .beforeStart:
                return "the plan is stale: \(what) changed since it was made; nothing was applied: run expctl plan again"
            case .insideTransaction(let registry, let ledger):
                return "the plan is stale: \(what) changed while it was being applied; "
                    + "the database was not changed\(earlier(registry, ledger)): run expctl plan again"
            }
        case .locked(let holder):
            return "another expctl is applying to this database "
                + "(the lock is held by \(holder ?? "another session")); nothing was applied"
        case .registryRequired(let count):
            let actions = count == 0
                ? "it was made against the MLflow model registry"
                : "it changes the MLflow model registry (\(count) action\(count == 1 ? "" : "s"))"
            return "the plan needs MLflow: \(actions), and no MLflow is configured: "
                + "set MLFLOW_TRACKING_URI or pass --mlflow-url; nothing was applied"
        case .registryUnreadable(let error):
            return "cannot read the MLflow model registry to check the plan: \(error); nothing was applied"
        case .ledgerFailed(let error):
            return "writing the job ledger failed: \(error); nothing was applied"
        case .registryActionFailed(let action, let error, let registry, let ledger):
            return "\(action) failed: \(error); the database was not changed\(earlier(registry, ledger)): "
                + "run apply again to complete the rest"
        case .databaseFailed(let action, let error, let registry, let ledger):
            let failure = action.map { "\($0) failed: " } ?? "the database transaction failed: "
            let cause = (error as? StoreError).map {
                if case .actionFailed(_, let cause) = $0 { "\(cause)" } else { "\($0)" }
            } ?? "\(error)"
            let rest = registry + ledger == 0
                ? "; nothing was applied"
                : "; the database was not changed\(earlier(registry, ledger)): run apply again to complete the rest"
            return failure + cause + rest
        case .runRecordFailed(let error):
            return "cannot record the run: \(error); nothing was applied"
        }
    }

    /// ", but 2 MLflow registry changes and 1 job ledger change were made before it".
    private func earlier(_ registry: Int, _ ledger: Int) -> String {
        var parts: [String] = []
        if registry > 0 { parts.append(registry == 1 ? "1 MLflow registry change" : "\(registry) MLflow registry changes") }
        if ledger > 0 { parts.append(ledger == 1 ? "1 job ledger change" : "\(ledger) job ledger changes") }
        guard !parts.isEmpty else { return "" }
        return ", but \(parts.joined(separator: " and ")) \(registry + ledger == 1 ? "was" : "were") made before it"
    }

    /// Whether retrying cannot help: PostgreSQL refused the data or the statement (SQLSTATE
    /// classes 22, 23, 42, P0), an action expctl cannot carry out, a plan needing MLflow where
    /// none is configured, a request MLflow would misread. Unreachable servers, lost
    /// connections, a plan gone stale and row counts that changed under the apply are transient.
    public var needsAChange: Bool {
        switch self {
        case .planHasProblems, .registryRequired: return true
        case .ledgerFailed(let error), .databaseFailed(_, let error, _, _):
            if case .actionFailed(_, let cause)? = error as? StoreError {
                switch cause {
                case .unsupported, .malformed: return true
                case .unexpectedRowCount: return false
                case .postgres: break
                }
            }
            guard let state = ErrorFacts.sqlState(of: error) else { return false }
            return ["22", "23", "42", "P0"].contains(String(state.prefix(2)))
        case .registryActionFailed(_, let error, _, _):
            return (error as? MLflowError)?.kind == .refused
        case .stale, .locked, .registryUnreadable, .runRecordFailed: return false
        }
    }

    public var sqlState: String? {
        switch self {
        case .ledgerFailed(let error), .databaseFailed(_, let error, _, _), .runRecordFailed(let error):
            ErrorFacts.sqlState(of: error)
        default: nil
        }
    }

    public var mlflowErrorCode: String? {
        switch self {
        case .registryActionFailed(_, let error, _, _), .registryUnreadable(let error): ErrorFacts.mlflowErrorCode(of: error)
        default: nil
        }
    }
}

/// When a stale plan was found: before anything was written, or inside the database
/// transaction, after the job ledger and registry steps had made these many changes.
public enum StalePhase: Sendable, Hashable {
    case beforeStart
    case insideTransaction(registryChanges: Int, ledgerChanges: Int)
}

/// The codes inside errors of the adapters, found by type, never by message text.
public enum ErrorFacts {
    public static func sqlState(of error: any Error) -> String? {
        switch error {
        case let error as PostgresError: error.sqlState
        case let error as StoreError: error.sqlState
        case let error as PassError: error.sqlState
        case let error as ApplyError: error.sqlState
        default: nil
        }
    }

    public static func mlflowErrorCode(of error: any Error) -> String? {
        switch error {
        case let error as MLflowError: if case .api(let code) = error.kind { code } else { nil }
        case let error as RegistryActionFailure: mlflowErrorCode(of: error.underlying)
        case let error as PassError: error.mlflowErrorCode
        case let error as ApplyError: error.mlflowErrorCode
        default: nil
        }
    }
}
