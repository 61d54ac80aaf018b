import ExpctlModel
public import ExpctlStatistics

/// An offline replay of a model version as the offline gate reads it (from
/// `exp.offline_replay_results` and, per row, `exp.offline_replay_rows`).
public struct OfflineEvaluation: Sendable, Hashable {
    public var model: String
    public var version: String
    /// The version replayed on the same rows; nil for a first model (no production version).
    public var baselineVersion: String?
    public var datasetVersion: String
    public var datasetDigest: String?
    public var rows: Int
    public var candidateScore: Double
    public var baselineScore: Double?
    /// Each replay metric's mean over the rows, for the candidate and the baseline.
    public var candidateMeans: [String: Double]
    public var baselineMeans: [String: Double]
    /// Per metric, the per-row differences candidate − baseline, streamed (n, mean, M2).
    public var differences: [String: RunningMoments]

    public init(
        model: String, version: String, baselineVersion: String?, datasetVersion: String, datasetDigest: String?,
        rows: Int, candidateScore: Double, baselineScore: Double?, candidateMeans: [String: Double],
        baselineMeans: [String: Double] = [:], differences: [String: RunningMoments] = [:]
    ) {
        self.model = model
        self.version = version
        self.baselineVersion = baselineVersion
        self.datasetVersion = datasetVersion
        self.datasetDigest = datasetDigest
        self.rows = rows
        self.candidateScore = candidateScore
        self.baselineScore = baselineScore
        self.candidateMeans = candidateMeans
        self.baselineMeans = baselineMeans
        self.differences = differences
    }

    /// `planner_model/2`: the offline gate's subject.
    public var subject: String { ModelVersionRef(model: model, version: version).subject }
}
