/// A dataset version declared in git: which events become training rows, how they are split,
/// and the folder of the dataset store they are written to. Built once by a dataset job; a
/// built version is immutable.
public struct DatasetConfig: Sendable, Hashable {
    /// The folder of the dataset store, relative to its root (e.g. `planner/2025-01-10`), which
    /// is also the dataset version that trainings name.
    public var name: String
    public var task: String
    /// The events whose generated plan falls in `[since, until)` become rows.
    public var since: Timestamp
    public var until: Timestamp
    /// The share of rows held out for validation, in [0, 1).
    public var validationShare: Double
    /// Seeds the split of rows into train and validation.
    public var seed: Int
    /// The schema holding the domain views (households, pantry_items, constraints, recipes).
    public var domainSchema: String
    public var origin: SourceLocation

    public static let defaultDomainSchema = "app"
    public static let defaultValidationShare = 0.1

    public init(
        name: String, task: String, since: Timestamp, until: Timestamp,
        validationShare: Double = DatasetConfig.defaultValidationShare, seed: Int = 0,
        domainSchema: String = DatasetConfig.defaultDomainSchema, origin: SourceLocation
    ) {
        self.name = name
        self.task = task
        self.since = since
        self.until = until
        self.validationShare = validationShare
        self.seed = seed
        self.domainSchema = domainSchema
        self.origin = origin
    }
}

extension DatasetConfig: NamedResource {}

/// What a dataset build depends on, as one canonical JSON object, and its digest: the identity
/// of the dataset job in the ledger, and what a rebuild must reproduce.
extension DatasetConfig {
    /// Bumped when the meaning of an input, or the rows built from them, change.
    public static let inputsSchemaVersion: Int64 = 1

    public var jobInputs: [String: JSONValue] {
        [
            "inputs_version": .integer(Self.inputsSchemaVersion),
            "dataset_version": .string(name),
            "task": .string(task),
            "since": .string(since.description),
            "until": .string(until.description),
            "validation_share": .double(validationShare),
            "seed": .integer(Int64(seed)),
            "domain_schema": .string(domainSchema),
        ]
    }

    /// SHA-256 (hex) of the canonical text of `jobInputs`.
    public var inputsDigest: String { ContentHash.hex(JSONValue.object(jobInputs).canonicalText) }
}

extension DatasetConfig {
    /// The declaration a dataset job's recorded inputs describe, checked as input: a runner
    /// builds from the ledger's row, not from git. Nil with the reason when they do not hold one.
    public static func fromJobInputs(
        _ inputs: [String: JSONValue], origin: SourceLocation
    ) -> Result<DatasetConfig, JobInputsError> {
        func text(_ key: String) throws(JobInputsError) -> String {
            guard case .string(let value)? = inputs[key], !value.isEmpty else { throw JobInputsError(field: key) }
            return value
        }
        do throws(JobInputsError) {
            guard case .integer(let version)? = inputs["inputs_version"], version == inputsSchemaVersion else {
                throw JobInputsError(field: "inputs_version")
            }
            guard let since = Timestamp(rfc3339: try text("since")) else { throw JobInputsError(field: "since") }
            guard let until = Timestamp(rfc3339: try text("until")), until > since else {
                throw JobInputsError(field: "until")
            }
            let share: Double
            switch inputs["validation_share"] {
            case .double(let value)?: share = value
            case .integer(let value)?: share = Double(value)
            default: throw JobInputsError(field: "validation_share")
            }
            guard share >= 0, share < 1 else { throw JobInputsError(field: "validation_share") }
            guard case .integer(let seed)? = inputs["seed"], seed >= 0 else { throw JobInputsError(field: "seed") }
            let config = DatasetConfig(
                name: try text("dataset_version"), task: try text("task"), since: since, until: until,
                validationShare: share, seed: Int(seed), domainSchema: try text("domain_schema"), origin: origin)
            guard config.jobInputs == inputs else { throw JobInputsError(field: "(extra or respelled fields)") }
            return .success(config)
        } catch {
            return .failure(error)
        }
    }
}

/// A job's recorded inputs that do not describe a job of its kind.
public struct JobInputsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var field: String

    public init(field: String) { self.field = field }

    public var description: String { "the job's inputs have no valid \(field)" }
}
