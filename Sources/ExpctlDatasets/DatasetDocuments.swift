import ExpctlModel

/// The small files of a dataset folder, as values: `schema.json`, `dataset_summary.md` and
/// `metadata.json` (docs/datasets.md).
enum DatasetDocuments {
    /// The columns of `training.parquet`: name, Parquet type, nullability, meaning.
    static let columns: [(name: String, type: String, optional: Bool, meaning: String)] = [
        ("row_id", "string", false, "the plan id, shared by the plan_generated and plan_accepted events"),
        ("split", "string", false, "train or validation, from SHA-256 of \"<seed>:<row_id>\""),
        ("household_id", "string", false, "the unit id of the events"),
        ("occurred_at", "timestamp[us, UTC]", false, "when the plan was generated"),
        ("workflow_type", "string", false, "plan-first, meal-first or pantry-first"),
        ("mode", "string", true, "autopilot, exploratory or constrained, when known"),
        ("policy_version_id", "string", true, "the policy version that generated the plan, when known"),
        ("region", "string", false, "the household's region"),
        ("household_size", "int64", false, "the household's size"),
        (
            "input", "json", false,
            "the input context: household, pantry at the event's time, constraints, "
                + "workflow_type, mode, previous_plan"
        ),
        ("target", "json", false, "the target output: accepted_plan and user_edits"),
        ("metadata", "json", false, "timestamp, policy_version_id, region, household_size"),
    ]

    /// The columns as MLflow's dataset schema types them (`mlflow_colspec`).
    static var mlflowColumns: [(name: String, type: String)] {
        columns.map { column in
            let type =
                switch column.type {
                case "int64": "long"
                case "timestamp[us, UTC]": "datetime"
                default: "string"
                }
            return (column.name, type)
        }
    }

    static func schema(_ dataset: DatasetConfig) -> JSONValue {
        .object([
            "dataset_version": .string(dataset.name),
            "format": .string("expctl dataset 1"),
            "row": .string("docs/datasets.md"),
            "columns": .array(
                columns.map { column in
                    .object([
                        "name": .string(column.name), "type": .string(column.type), "nullable": .bool(column.optional),
                        "description": .string(column.meaning),
                    ])
                }),
        ])
    }

    static func summary(_ dataset: DatasetConfig, _ coverage: DatasetCoverage, recipes: Int) -> String {
        func date(_ micros: Int64?) -> String {
            micros.map { Timestamp(seconds: $0 / 1_000_000).description.prefix(10) }.map(String.init) ?? "none"
        }
        let policyVersions = coverage.policyVersions.keys.sorted().joined(separator: ", ")
        return """
            # Dataset: \(dataset.name)

            **Rows**: \(NumberText.grouped(coverage.rows)) (train \(NumberText.grouped(coverage.trainRows)), \
            validation \(NumberText.grouped(coverage.validationRows)))
            **Fields**: \(columns.count)
            **Task**: \(dataset.task): weekly plan generation (supervised)
            **Targets**: Accepted meal plans and the user's edits

            ## Coverage
            - Households: \(NumberText.grouped(coverage.households.count))
            - Date range: \(date(coverage.firstMicros)) to \(date(coverage.lastMicros))
            - Workflow types: \(DatasetCoverage.shares(coverage.workflowTypes, of: coverage.rows))
            - Modes: \(DatasetCoverage.shares(coverage.modes, of: coverage.rows))
            - Policy versions: \(policyVersions.isEmpty ? "none" : policyVersions)
            - Recipes in the catalogue: \(NumberText.grouped(recipes))

            ## Notes
            - Window: plans generated from \(dataset.since) up to \(dataset.until), joined to their acceptance
            - Includes constraints and the pantry as it was when each plan was generated
            - Excludes plans never accepted, and plans whose household has no row in \
            \(dataset.domainSchema).households or \(dataset.domainSchema).constraints
            - Validation share \(dataset.validationShare), seed \(dataset.seed)

            """
    }

    static func metadata(
        _ dataset: DatasetConfig, _ coverage: DatasetCoverage, contentDigest: String, files: [String: FileFacts]
    ) -> JSONValue {
        .object([
            "dataset_version": .string(dataset.name),
            "format_version": .integer(DatasetMetadata.formatVersion),
            "num_samples": .integer(Int64(coverage.rows)),
            "train_samples": .integer(Int64(coverage.trainRows)),
            "validation_samples": .integer(Int64(coverage.validationRows)),
            "build_config": .object(dataset.jobInputs),
            "inputs_digest": .string(dataset.inputsDigest),
            "content_digest": .string(contentDigest),
            "files": .object(files.mapValues { .object(["sha256": .string($0.sha256), "bytes": .integer($0.bytes)]) }),
        ])
    }
}

/// The size and digest of one file of a dataset folder.
struct FileFacts: Sendable, Hashable {
    var sha256: String
    var bytes: Int64
}
