import ExpctlDatasets
import ExpctlGit
import ExpctlMLflow
import ExpctlModel
import ExpctlPlan
import ExpctlPostgres
import ExpctlReconciler
import ExpctlStore

/// What the command line says about a failure: one line for people, and the typed facts
/// (SQLSTATE, MLflow's error code, the failing action) for machines, found by the error's
/// type, never by its text.
struct ErrorReport {
    var message: String
    /// `database`, `mlflow`, `git`, `apply`, `plan_file`, `dataset`, `environment`.
    var kind: String
    var sqlState: String?
    var mlflowErrorCode: String?
    var action: String?

    init(_ error: any Error) {
        var context: String?
        var error = error
        if let contextual = error as? ContextualError {
            context = contextual.context
            error = contextual.error
        }
        message = "\(error)" + (context.map { " (\($0))" } ?? "")
        sqlState = ErrorFacts.sqlState(of: error)
        mlflowErrorCode = ErrorFacts.mlflowErrorCode(of: error)
        switch error {
        case let failure as ApplyError:
            kind = "apply"
            switch failure {
            case .registryActionFailed(let id, _, _, _): action = id
            case .databaseFailed(let id, _, _, _): action = id
            default: break
            }
        case is PostgresError, is StoreError: kind = "database"
        case is MLflowError: kind = "mlflow"
        case is GitError: kind = "git"
        case let failure as ReconcilerSession.SessionError:
            if case .schemaTooNew = failure { kind = "database" } else { kind = "reconciler" }
        case is PlanFileError: kind = "plan_file"
        case is DatasetBuildError: kind = "dataset"
        case let failure as PassError:
            switch failure {
            case .source: kind = "git"
            case .database: kind = "database"
            case .registry: kind = "mlflow"
            case .apply: kind = "apply"
            }
        default: kind = "environment"
        }
    }

    /// Whether `error` is one of expctl's own (the rest are the argument parser's).
    static func covers(_ error: any Error) -> Bool {
        switch error {
        case is UserFacingError, is ContextualError, is PassError, is ApplyError, is StoreError, is PostgresError, is MLflowError,
            is GitError, is PlanFileError, is ReconcilerSession.SessionError, is DatasetBuildError:
            true
        default: false
        }
    }

    var json: JSONValue {
        .object([
            "kind": .string(kind), "message": .string(message), "sqlstate": sqlState.map(JSONValue.string) ?? .null,
            "mlflow_error_code": mlflowErrorCode.map(JSONValue.string) ?? .null, "action": action.map(JSONValue.string) ?? .null,
        ])
    }
}

/// An error with where it happened, e.g. `database: postgresql://expctl:***@db/x`.
struct ContextualError: Error, @unchecked Sendable, CustomStringConvertible {
    var error: any Error
    var context: String

    init(_ error: any Error, context: String) {
        self.error = error
        self.context = context
    }

    var description: String { "\(error) (\(context))" }
}

/// An error about the environment (a missing repository, an unknown ref) printed as one line.
struct UserFacingError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
