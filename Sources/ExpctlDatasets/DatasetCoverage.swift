/// What the rows of a dataset cover, gathered while they stream past: the figures of
/// `dataset_summary.md` (seed 001 §2.6).
struct DatasetCoverage {
    private(set) var rows = 0
    private(set) var validationRows = 0
    private(set) var households: Set<String> = []
    private(set) var firstMicros: Int64?
    private(set) var lastMicros: Int64?
    private(set) var workflowTypes: [String: Int] = [:]
    private(set) var modes: [String: Int] = [:]
    private(set) var policyVersions: [String: Int] = [:]

    var trainRows: Int { rows - validationRows }

    mutating func add(
        household: String, micros: Int64, workflowType: String?, mode: String?, policyVersion: String?,
        validation: Bool
    ) {
        rows += 1
        if validation { validationRows += 1 }
        households.insert(household)
        firstMicros = min(firstMicros ?? micros, micros)
        lastMicros = max(lastMicros ?? micros, micros)
        workflowTypes[workflowType ?? "(none)", default: 0] += 1
        modes[mode ?? "(none)", default: 0] += 1
        policyVersions[policyVersion ?? "(none)", default: 0] += 1
    }

    /// Shares as `plan-first (60%), meal-first (30%)`, largest first, then by name.
    static func shares(_ counts: [String: Int], of total: Int) -> String {
        guard total > 0 else { return "none" }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { name, count in
            let percent = Double(count) * 100 / Double(total)
            return "\(name) (\(percent >= 10 || percent == 0 ? String(Int(percent.rounded())) : oneDecimal(percent))%)"
        }.joined(separator: ", ")
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
