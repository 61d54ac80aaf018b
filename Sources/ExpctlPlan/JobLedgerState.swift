public import ExpctlModel

/// The kinds of job expctl runs: dataset builds from `datasets:`, trainings from `training:` in
/// git, and the offline replay evaluation of each model version a training registered.
public enum JobKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case dataset
    case training
    case evaluation

    public static func < (lhs: JobKind, rhs: JobKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A job's identity: its kind, its name in git and the digest of its inputs. The same inputs
/// are the same job, so a job never runs twice for them.
public struct JobKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: JobKind
    public var name: String
    /// SHA-256 (hex) of the job's canonical inputs (`TrainingConfig.inputsDigest`).
    public var inputsDigest: String

    public init(kind: JobKind, name: String, inputsDigest: String) {
        self.kind = kind
        self.name = name
        self.inputsDigest = inputsDigest
    }

    /// `training planner-2025-01-10`, as plans name it.
    public var description: String { "\(kind.rawValue) \(name)" }

    /// The first 12 hex digits of the digest, as plans show it.
    public var shortDigest: String { String(inputsDigest.prefix(12)) }

    public static func < (lhs: JobKey, rhs: JobKey) -> Bool {
        (lhs.kind, lhs.name, lhs.inputsDigest) < (rhs.kind, rhs.name, rhs.inputsDigest)
    }
}

/// Where a job is in its life: pending → running → succeeded | failed; pending or running →
/// cancelled. Runners claim pending jobs; succeeded, failed and cancelled are final.
public enum JobState: String, Sendable, Hashable, CaseIterable {
    case pending
    case running
    case succeeded
    case failed
    case cancelled

    public var isFinal: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// One row of the job ledger (`exp.jobs`), as the planner reads it.
public struct LedgerJob: Sendable, Hashable {
    public var id: String
    public var key: JobKey
    public var state: JobState
    public var attempts: Int
    /// The inputs the digest is of, to say which of them changed.
    public var inputs: [String: JSONValue]
    /// What the job produced; for a training, the model version it registered.
    public var result: [String: JSONValue]?
    public var error: String?
    public var provenance: Provenance

    public init(
        id: String, key: JobKey, state: JobState, attempts: Int = 0, inputs: [String: JSONValue] = [:],
        result: [String: JSONValue]? = nil, error: String? = nil, provenance: Provenance
    ) {
        self.id = id
        self.key = key
        self.state = state
        self.attempts = attempts
        self.inputs = inputs
        self.result = result
        self.error = error
        self.provenance = provenance
    }

    /// The model version a succeeded training registered (`result.model_version`).
    public var registeredModelVersion: String? {
        guard state == .succeeded, case .string(let version)? = result?["model_version"] else { return nil }
        return version
    }
}

/// The result keys of a dataset job, as the dataset build writes them.
public enum DatasetResultKeys {
    /// SHA-256 (hex) of the dataset's `data.jsonl`.
    public static let contentDigest = "content_digest"
    public static let rows = "rows"
}

/// The result keys of a training job, as runners write them and the planner reads them.
public enum TrainingResultKeys {
    public static let modelName = "model_name"
    public static let modelVersion = "model_version"
    public static let runID = "run_id"
}

/// Every job in the ledger.
public struct JobLedgerState: Sendable, Hashable {
    public var jobs: [LedgerJob]

    public init(jobs: [LedgerJob] = []) { self.jobs = jobs }

    public static let empty = JobLedgerState()

    /// The job of `key` that counts: the one not cancelled (the ledger holds at most one);
    /// a cancelled job's inputs get a new job when git asks for them again.
    public func job(_ key: JobKey) -> LedgerJob? {
        jobs.first { $0.key == key && $0.state != .cancelled }
    }

    public func job(id: String) -> LedgerJob? { jobs.first { $0.id == id } }

    /// Jobs of `kind` and `name` still pending or running, whatever their inputs.
    public func activeJobs(_ kind: JobKind, _ name: String) -> [LedgerJob] {
        jobs.filter { $0.key.kind == kind && $0.key.name == name && !$0.state.isFinal }
    }

    /// A canonical text of what plans depend on: each job's identity and, once it is final,
    /// its state, result and error. Pending and running read alike (both wait), and attempts,
    /// leases and heartbeats are left out, so a running job does not make a saved plan stale;
    /// a job that finishes does.
    public var canonicalText: String {
        let lines = jobs.map { job -> String in
            let outcome: JSONValue = job.state.isFinal
                ? .object([
                    "state": .string(job.state.rawValue), "result": job.result.map(JSONValue.object) ?? .null,
                    "error": job.error.map(JSONValue.string) ?? .null,
                ])
                : .string("active")
            return "\(job.id)\t\(job.key.kind.rawValue)\t\(job.key.name)\t\(job.key.inputsDigest)\t\(outcome.canonicalText)"
        }
        return lines.sorted().joined(separator: "\n")
    }

    /// SHA-256 (hex) of `canonicalText`.
    public var digest: String { ContentHash.hex(canonicalText) }
}
