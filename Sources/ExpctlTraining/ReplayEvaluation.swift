public import ExpctlModel

/// The scores of one model (or predictions file) over the rows of a dataset, in row order.
/// The per-row scores are kept: the offline gate runs paired tests on them.
public struct ReplayEvaluation: Sendable {
    public let scorerVersion: String
    public let rowIDs: [String]
    public let rows: [RowScores]

    public init(rowIDs: [String], rows: [RowScores], scorerVersion: String = OfflineScorer.scorerVersion) {
        precondition(rowIDs.count == rows.count, "one score per row")
        self.scorerVersion = scorerVersion
        self.rowIDs = rowIDs
        self.rows = rows
    }

    /// One metric's per-row values, in row order.
    public func values(_ metric: OfflineMetric) -> [Double] { rows.map { $0[metric] } }

    /// The mean over rows, summed in row order; 0 for no rows.
    public func mean(_ metric: OfflineMetric) -> Double { Self.mean(rows.lazy.map { $0[metric] }) }

    /// Σ over the weights' metric names in sorted order of weight × mean. A name that is not a
    /// metric is an error: a misspelt weight would otherwise count as zero.
    public func offlineEvalScore(weights: [String: Double]) throws(ScoringError) -> Double {
        var score = 0.0
        for (metric, weight) in try Self.weighted(weights) { score += weight * mean(metric) }
        return score
    }

    /// Each row's weighted score, with the same weights and order (for paired tests).
    public func rowOfflineScores(weights: [String: Double]) throws(ScoringError) -> [Double] {
        let weighted = try Self.weighted(weights)
        return rows.map { row in weighted.reduce(0.0) { $0 + $1.weight * row[$1.metric] } }
    }

    /// The latency proxy's mean per row, in milliseconds.
    public var latencyMs: Double { Self.mean(rows.lazy.map(\.latencyMs)) }

    /// The cost proxy per 1,000 tokens (input and output) over all rows, in USD.
    public var costPer1kTokens: Double {
        var cost = 0.0
        var tokens = 0
        for row in rows {
            cost += row.costUSD
            tokens += row.inputTokens + row.outputTokens
        }
        return tokens == 0 ? 0 : cost * 1000 / Double(tokens)
    }

    /// Rows whose plan breaks at least one rule.
    public var violatingRows: Int { rows.reduce(0) { $0 + ($1.violations.isEmpty ? 0 : 1) } }

    /// What the runner logs to MLflow and writes to `evaluation.json`'s metrics: every metric's
    /// mean, `offline_eval_score`, `latency_ms`, `cost_per_1k_tokens`, `output_tokens` (mean)
    /// and the row counts.
    public func metrics(weights: [String: Double]) throws(ScoringError) -> [String: JSONValue] {
        var metrics: [String: JSONValue] = [:]
        for metric in OfflineMetric.allCases { metrics[metric.rawValue] = .double(mean(metric)) }
        metrics["offline_eval_score"] = .double(try offlineEvalScore(weights: weights))
        metrics["latency_ms"] = .double(latencyMs)
        metrics["cost_per_1k_tokens"] = .double(costPer1kTokens)
        metrics["output_tokens"] = .double(Self.mean(rows.lazy.map { Double($0.outputTokens) }))
        metrics["rows"] = .integer(Int64(rows.count))
        metrics["violating_rows"] = .integer(Int64(violatingRows))
        return metrics
    }

    private static func weighted(
        _ weights: [String: Double]
    ) throws(ScoringError) -> [(metric: OfflineMetric, weight: Double)] {
        var result: [(metric: OfflineMetric, weight: Double)] = []
        for name in weights.keys.sorted() {
            guard let metric = OfflineMetric(rawValue: name) else { throw .unknownMetric(name) }
            result.append((metric, weights[name]!))
        }
        return result
    }

    private static func mean(_ values: some Sequence<Double>) -> Double {
        var sum = 0.0
        var count = 0
        for value in values {
            sum += value
            count += 1
        }
        return count == 0 ? 0 : sum / Double(count)
    }
}

public enum ScoringError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownMetric(String)

    public var description: String {
        switch self {
        case .unknownMetric(let name):
            "weight for unknown metric '\(name)': the metrics are "
                + OfflineMetric.allCases.map(\.rawValue).joined(separator: ", ")
        }
    }
}
