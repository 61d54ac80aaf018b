/// The port through which the reconciler reads and changes the MLflow model registry, so that
/// it can order an apply across the job ledger, MLflow and PostgreSQL without depending on the
/// MLflow client. The MLflow adapter implements it; tests may implement it too.
public protocol RegistryPort: AnyObject {
    /// The registry's state now, of the models the plan was made for.
    func currentState() throws -> RegistryState

    /// Carries out the plan's registry actions (stage tags, aliases), each idempotent (a
    /// re-run after a crash repeats the actions it cannot tell were done), possibly several at
    /// once. `completed` is called on the calling thread with the ids of the actions done as
    /// they finish, so that they can be recorded; an error it throws stops the apply. A
    /// failure is a `RegistryActionFailure` naming the first action that failed, thrown once
    /// the actions under way have finished (and been passed to `completed`).
    func apply(_ actions: [PlannedAction], commit: String, completed: (_ ids: [String]) throws -> Void) throws
}

/// A registry action that failed, by id, with the error it failed with (an `MLflowError`
/// keeps MLflow's error code).
public struct RegistryActionFailure: Error, @unchecked Sendable, CustomStringConvertible {
    public var action: String
    /// Sendable errors only are put here; the box is unchecked because `any Error` is not.
    public var underlying: any Error

    public init(action: String, underlying: any Error) {
        self.action = action
        self.underlying = underlying
    }

    public var description: String { "\(action) failed: \(underlying)" }
}
