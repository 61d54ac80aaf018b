/// Names shared by the planner, the evaluation job and the scorer.
public enum EvaluationIdentity {
    /// The version of expctl's offline scoring (docs/evaluation.md). Bumped when a score's
    /// definition changes, so that every model version is evaluated again under the new one.
    public static let scorerVersion = "expctl-offline-replay/1"
    /// The registry alias that names a model's production version.
    public static let productionAlias = "production"
    public static let inputsSchemaVersion: Int64 = 1
}
