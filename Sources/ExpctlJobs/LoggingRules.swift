/// What every training run must log before its model is registered (seeds 000, 001, 003): the
/// params, metrics, tags and artifacts a reviewer needs to know what produced a model.
public struct LoggingRules: Sendable, Hashable {
    public static let params = [
        "learning_rate", "batch_size", "epochs", "dataset_version", "model_base", "fine_tuning_method",
    ]
    public static let metrics = ["train_loss", "val_loss"]
    /// `policy_id` joins these when the training names a policy.
    public static let tags = ["task", "dataset_version"]
    /// Top-level artifact folders (or files) of the run.
    public static let artifacts = ["model", "tokenizer", "config"]

    public var requiresPolicyID: Bool

    public init(requiresPolicyID: Bool) { self.requiresPolicyID = requiresPolicyID }

    /// What a run logged, as read back from MLflow.
    public struct Logged: Sendable, Hashable {
        public var params: Set<String>
        public var metrics: Set<String>
        public var tags: Set<String>
        /// Names directly under the run's artifact root.
        public var artifacts: Set<String>

        public init(params: Set<String>, metrics: Set<String>, tags: Set<String>, artifacts: Set<String>) {
            self.params = params
            self.metrics = metrics
            self.tags = tags
            self.artifacts = artifacts
        }
    }

    /// Every missing item, as `param learning_rate`, `metric val_loss`, `artifact tokenizer`, in
    /// the rules' order; empty when the run logged everything.
    public func missing(in logged: Logged) -> [String] {
        let tags = Self.tags + (requiresPolicyID ? ["policy_id"] : [])
        return Self.params.filter { !logged.params.contains($0) }.map { "param \($0)" }
            + Self.metrics.filter { !logged.metrics.contains($0) }.map { "metric \($0)" }
            + tags.filter { !logged.tags.contains($0) }.map { "tag \($0)" }
            + Self.artifacts.filter { !logged.artifacts.contains($0) }.map { "artifact \($0)" }
    }
}
