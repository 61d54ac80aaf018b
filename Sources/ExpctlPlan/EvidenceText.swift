import ExpctlModel

/// How waiting and blocked actions read in text and markdown: the same facts as the JSON plan.
public enum EvidenceText {
    /// `job training planner-2025-01-10: pending (inputs 3f2a9c1d0b7e, attempts 0); needs the
    /// job to succeed and register a version of planner_model; job 6f1c…`.
    public static func dependency(_ dependency: Dependency) -> String {
        switch dependency {
        case .action(let id): "after \(id)"
        case .job(let job): "job \(job.job): \(evidence(job.evidence, prefix: ["inputs \(job.job.shortDigest)"]))"
        case .gate(let gate): "\(gate.kind.rawValue) gate for \(gate.subject): \(evidence(gate.evidence, prefix: []))"
        }
    }

    /// `state (figures, progress); needs …; detail`.
    static func evidence(_ evidence: Evidence, prefix: [String]) -> String {
        var facts = prefix
        if let progress = evidence.progress {
            facts.append("\(number(progress.done)) of \(number(progress.total)) \(progress.unit)")
        }
        facts += evidence.figures.map { "\($0.name) \(number($0.value))\($0.unit.map { " \($0)" } ?? "")" }
        var text = evidence.state
        if !facts.isEmpty { text += " (\(facts.joined(separator: ", ")))" }
        text += "; needs \(evidence.waitsFor)"
        if let detail = evidence.detail { text += "; \(detail)" }
        return text
    }

    /// What an action waits on, the plan's own ordering left out unless it is all there is.
    public static func waiting(_ dependencies: [Dependency]) -> [String] {
        let external = dependencies.filter { if case .action = $0 { false } else { true } }
        return (external.isEmpty ? dependencies : external).map(dependency)
    }

    /// `job training x (…) failed: …`, with where it comes from when inherited.
    public static func blocked(_ reason: BlockReason) -> String {
        reason.message + (reason.via.map { " (through \($0))" } ?? "")
    }

    /// Whole numbers without a fraction, others in their shortest exact form.
    static func number(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
